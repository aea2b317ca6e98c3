import { SluiceError } from '../../errors.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { CreateTopicsResponse } from '../../protocol/generated/create-topics.ts';
import type { DeleteTopicsResponse } from '../../protocol/generated/delete-topics.ts';
import type { DescribeConfigsResponse } from '../../protocol/generated/describe-configs.ts';
import type { OffsetFetchResponse } from '../../protocol/generated/offset-fetch.ts';
import type { CommitOffset, IsolationLevel } from '../group-consumer.ts';
import type { KafkaAdmin, NewTopic, PartitionOffsets, TopicDescription } from '../kafka-admin.ts';
import type { Cluster } from './cluster.ts';
import { KafkaProtocolError } from './kafka-protocol-error.ts';
import { EARLIEST, LATEST, listOffsets } from './list-offsets.ts';

const CREATE_TOPICS = 19;
const DELETE_TOPICS = 20;
const DESCRIBE_CONFIGS = 32;
const OFFSET_FETCH = 9;
const TOPIC_RESOURCE = 2;
const LEADER_WAIT_MS = 30_000;

/**
 * {@link KafkaAdmin} on the native client's connections.
 *
 * @example
 * ```ts
 * const admin = new NativeAdmin(new Cluster({ brokerAddress, clientId, logger }));
 * await admin.createTopics([{ name: 'words', numPartitions: 3, replicationFactor: 1 }]);
 * ```
 */
export class NativeAdmin implements KafkaAdmin {
  constructor(private readonly cluster: Cluster) {}

  async listTopics(): Promise<string[]> {
    const { topics } = await this.cluster.metadata(null);
    return topics.filter((t) => t.errorCode === ErrorCode.NONE && t.name !== null).map((t) => t.name!);
  }

  async createTopics(topics: readonly NewTopic[]): Promise<string[]> {
    if (topics.length === 0) return [];
    const res = await this.cluster.withAnyBroker(async (conn) =>
      conn.request<CreateTopicsResponse>(CREATE_TOPICS, conn.version(CREATE_TOPICS, 1, 7), {
        timeoutMs: 30_000,
        validateOnly: false,
        topics: topics.map((t) => ({
          name: t.name,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          assignments: [],
          configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    const created: string[] = [];
    for (const r of res.topics) {
      if (r.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) continue;
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(r.errorCode, `creating topic '${r.name}'`, r.errorMessage);
      created.push(r.name);
    }
    await this.waitForLeaders(created);
    return created;
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const res = await this.cluster.withAnyBroker(async (conn) => {
      const version = conn.version(DELETE_TOPICS, 1, 6);
      return conn.request<DeleteTopicsResponse>(DELETE_TOPICS, version, {
        timeoutMs: 30_000,
        ...(version >= 6 ? { topics: names.map((name) => ({ name, topicId: new Uint8Array(16) })) } : { topicNames: [...names] }),
      });
    });
    for (const r of res.responses) if (r.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(r.errorCode, `deleting topic '${r.name}'`, r.errorMessage);
    for (const name of names) this.cluster.forgetTopic(name);
  }

  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return [];
    const { topics } = await this.cluster.metadata(names);
    const out: TopicDescription[] = [];
    for (const t of topics) {
      if (t.name === null) continue;
      if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new KafkaProtocolError(t.errorCode, `describing topic '${t.name}'`);
      out.push({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes })).sort((a, b) => a.partition - b.partition),
      });
    }
    return out;
  }

  async topicConfigs(names: readonly string[], configNames: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (names.length === 0) return out;
    const res = await this.cluster.withAnyBroker(async (conn) =>
      conn.request<DescribeConfigsResponse>(DESCRIBE_CONFIGS, conn.version(DESCRIBE_CONFIGS, 1, 4), {
        resources: names.map((resourceName) => ({ resourceType: TOPIC_RESOURCE, resourceName, configurationKeys: [...configNames] })),
        includeSynonyms: false,
        includeDocumentation: false,
      }),
    );
    for (const r of res.results) {
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(r.errorCode, `describing the configs of topic '${r.resourceName}'`, r.errorMessage);
      const values: Record<string, string> = {};
      for (const c of r.configs) if (c.value !== null) values[c.name] = c.value;
      out.set(r.resourceName, values);
    }
    return out;
  }

  async listOffsets(topic: string, options: { isolationLevel?: IsolationLevel } = {}): Promise<PartitionOffsets[]> {
    await this.cluster.refresh([topic]);
    const partitions = this.cluster.partitions(topic);
    if (!partitions) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `listing the offsets of topic '${topic}'`);
    const isolation = options.isolationLevel ?? 'read_committed';
    const [low, high] = await Promise.all([
      listOffsets(this.cluster, partitions.map((p) => ({ topic, partition: p.partition, timestamp: EARLIEST })), isolation),
      listOffsets(this.cluster, partitions.map((p) => ({ topic, partition: p.partition, timestamp: LATEST })), isolation),
    ]);
    return partitions.map((p) => ({ partition: p.partition, low: low.get(`${topic}\u0000${p.partition}`)!, high: high.get(`${topic}\u0000${p.partition}`)! }));
  }

  async committedOffsets(groupId: string, topics: readonly string[]): Promise<CommitOffset[]> {
    if (topics.length === 0) return [];
    await this.cluster.ensure(topics);
    const request = topics
      .filter((t) => this.cluster.partitions(t) !== undefined)
      .map((name) => ({ name, partitionIndexes: this.cluster.partitions(name)!.map((p) => p.partition) }));
    const res = await this.cluster.withCoordinator(0, groupId, async (conn) => {
      const version = conn.version(OFFSET_FETCH, 1, 7);
      const answer = await conn.request<OffsetFetchResponse>(OFFSET_FETCH, version, { groupId, topics: request, requireStable: version >= 7 });
      if ((answer.errorCode ?? 0) !== ErrorCode.NONE) throw new KafkaProtocolError(answer.errorCode!, `reading the committed offsets of group '${groupId}'`);
      return answer;
    });
    const out: CommitOffset[] = [];
    for (const t of res.topics ?? []) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(p.errorCode, `reading the committed offset of group '${groupId}' on topic '${t.name}' partition ${p.partitionIndex}`);
        const offset = Number(p.committedOffset);
        if (offset >= 0) out.push({ topic: t.name, partition: p.partitionIndex, offset });
      }
    }
    return out;
  }

  async describeCluster(): Promise<{ brokers: { nodeId: number; host: string; port: number }[]; controllerId: number }> {
    const res = await this.cluster.metadata([]);
    return { brokers: res.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })), controllerId: res.controllerId ?? -1 };
  }

  private async waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (;;) {
      if (topics.length === 0) return;
      await this.cluster.refresh(topics);
      const waiting = topics.filter((t) => {
        const ps = this.cluster.partitions(t);
        return !ps || ps.length === 0 || ps.some((p) => p.leader < 0);
      });
      if (waiting.length === 0) return;
      if (Date.now() > deadline) throw new SluiceError(`topic '${waiting[0]}' has no leader for every partition ${LEADER_WAIT_MS} ms after it was created; check the broker`, { retriable: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

import pino from 'pino';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { CreatePartitionsResponse } from '../../protocol/generated/create-partitions.ts';
import type { CreateTopicsResponse } from '../../protocol/generated/create-topics.ts';
import type { DeleteTopicsResponse } from '../../protocol/generated/delete-topics.ts';
import type { DescribeConfigsResponse } from '../../protocol/generated/describe-configs.ts';
import type { DescribeTopicPartitionsResponse } from '../../protocol/generated/describe-topic-partitions.ts';
import type { MetadataResponse } from '../../protocol/generated/metadata.ts';
import type { BrokerConnection } from '../../kafka/native/broker-connection.ts';
import { Cluster } from '../../kafka/native/cluster.ts';
import { KafkaProtocolError } from '../../kafka/native/kafka-protocol-error.ts';
import { CliError } from '../cli-error.ts';

const METADATA = 3;
const CREATE_TOPICS = 19;
const DELETE_TOPICS = 20;
const DESCRIBE_CONFIGS = 32;
const CREATE_PARTITIONS = 37;
const DESCRIBE_TOPIC_PARTITIONS = 75;
const TOPIC_RESOURCE = 2;
const DEFAULT_CONFIG_SOURCE = 5;
const TIMEOUT_MS = 30_000;
/** Kafka's `Topic.isInternal`: the topics of the group and transaction coordinators. */
const KAFKA_INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

/**
 * A topic as `kafka-topics --describe` prints it.
 *
 * @example
 * ```ts
 * const d: TopicDetails = { name: 't', topicId: null, partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], elr: null, lastKnownElr: null }], configs: [['retention.ms', '1000']] };
 * ```
 */
export interface TopicDetails {
  name: string;
  /** Base64url topic id; null when the broker has none (it answers Metadata below v10). */
  topicId: string | null;
  partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[]; elr: number[] | null; lastKnownElr: number[] | null }>;
  /** Configs that are not at their defaults, in the broker's order. */
  configs: Array<[string, string]>;
}

/** What {@link TopicAdmin.createTopic} creates. */
export interface TopicSpec {
  name: string;
  /** Default: the broker's `num.partitions`. */
  partitions?: number;
  /** Default: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  configs: Array<[string, string]>;
}

function check(code: number, what: string, message?: string | null): void {
  if (code !== ErrorCode.NONE) throw new CliError(new KafkaProtocolError(code, what, message).message);
}

/**
 * Topic administration for `sluice topics`, speaking the same requests (and versions) as Kafka's
 * own admin client so that `describe` shows what `kafka-topics` shows: the topic id from Metadata
 * v10+, the eligible leader replicas from DescribeTopicPartitions where the broker has it, and
 * the configs that are not at their defaults from DescribeConfigs.
 *
 * @example
 * ```ts
 * const admin = new TopicAdmin('localhost:9092');
 * try { console.log(await admin.listTopics()); } finally { admin.close(); }
 * ```
 */
export class TopicAdmin {
  private readonly cluster: Cluster;

  constructor(readonly address: string) {
    this.cluster = new Cluster({ brokerAddress: address, clientId: 'sluice-cli-topics', logger: pino({ level: 'silent' }), connectTimeoutMs: 3_000 });
  }

  /** Connects, turning an unreachable broker into a CliError that says what to do. */
  async connect(): Promise<void> {
    try {
      await this.cluster.withAnyBroker(async () => undefined);
    } catch (error) {
      throw new CliError(`Cannot reach a Kafka broker at ${this.address} — start one with \`npx sluice broker\` or pass --broker host:port`, { cause: error });
    }
  }

  private any<T>(fn: (conn: BrokerConnection) => Promise<T>): Promise<T> {
    return this.cluster.withAnyBroker(fn);
  }

  private metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    return this.any((conn) =>
      conn.request<MetadataResponse>(METADATA, conn.version(METADATA, 1, 12), {
        topics: topics === null ? null : topics.map((name) => ({ name, topicId: new Uint8Array(16) })),
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      }),
    );
  }

  /** Names of all topics, sorted; internal ones (Kafka's coordinator topics) only when `internal`. */
  async listTopics(internal: boolean): Promise<string[]> {
    const { topics } = await this.metadata(null);
    return topics
      .filter((t) => t.errorCode === ErrorCode.NONE && t.name !== null)
      .filter((t) => internal || !(t.isInternal || KAFKA_INTERNAL_TOPICS.has(t.name!)))
      .map((t) => t.name!)
      .sort();
  }

  /** Details of the topics that exist, in the order asked; `missing` names the others. */
  async describeTopics(names: readonly string[]): Promise<{ found: TopicDetails[]; missing: string[] }> {
    const metadata = await this.metadata(names);
    const byName = new Map(metadata.topics.filter((t) => t.name !== null).map((t) => [t.name!, t]));
    const missing = names.filter((n) => byName.get(n)?.errorCode !== ErrorCode.NONE);
    const existing = names.filter((n) => !missing.includes(n));
    if (existing.length === 0) return { found: [], missing };
    const [elr, configs] = await Promise.all([this.eligibleLeaders(existing), this.nonDefaultConfigs(existing)]);
    const found = existing.map((name): TopicDetails => {
      const t = byName.get(name)!;
      const id = t.topicId && t.topicId.some((b) => b !== 0) ? Buffer.from(t.topicId).toString('base64url') : null;
      return {
        name,
        topicId: id,
        configs: configs.get(name) ?? [],
        partitions: t.partitions
          .map((p) => {
            const e = elr?.get(`${name}/${p.partitionIndex}`);
            return { partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, elr: e?.elr ?? null, lastKnownElr: e?.lastKnownElr ?? null };
          })
          .sort((a, b) => a.partition - b.partition),
      };
    });
    return { found, missing };
  }

  /** ELR and last known ELR per `topic/partition` from DescribeTopicPartitions, or undefined when the broker lacks the API (Kafka's admin then shows N/A). */
  private async eligibleLeaders(names: readonly string[]): Promise<Map<string, { elr: number[] | null; lastKnownElr: number[] | null }> | undefined> {
    return this.any(async (conn) => {
      if (!conn.supports(DESCRIBE_TOPIC_PARTITIONS)) return undefined;
      const out = new Map<string, { elr: number[] | null; lastKnownElr: number[] | null }>();
      let cursor: { topicName: string; partitionIndex: number } | null = null;
      do {
        const res: DescribeTopicPartitionsResponse = await conn.request<DescribeTopicPartitionsResponse>(DESCRIBE_TOPIC_PARTITIONS, 0, {
          topics: names.map((name) => ({ name })),
          responsePartitionLimit: 2000,
          cursor,
        });
        for (const t of res.topics) {
          for (const p of t.partitions) out.set(`${t.name}/${p.partitionIndex}`, { elr: p.eligibleLeaderReplicas, lastKnownElr: p.lastKnownElr });
        }
        cursor = res.nextCursor;
      } while (cursor !== null);
      return out;
    });
  }

  /** Configs of each topic whose source is not the default (Kafka's `!ConfigEntry.isDefault()`). */
  private async nonDefaultConfigs(names: readonly string[]): Promise<Map<string, Array<[string, string]>>> {
    const res = await this.any((conn) => {
      const version = conn.version(DESCRIBE_CONFIGS, 0, 4);
      return conn.request<DescribeConfigsResponse>(DESCRIBE_CONFIGS, version, {
        resources: names.map((name) => ({ resourceType: TOPIC_RESOURCE, resourceName: name, configurationKeys: null })),
        includeSynonyms: false,
        includeDocumentation: false,
      }).then((r) => ({ r, version }));
    });
    const out = new Map<string, Array<[string, string]>>();
    for (const result of res.r.results) {
      check(result.errorCode, `describing the configs of topic '${result.resourceName}'`, result.errorMessage);
      const isDefault = (c: (typeof result.configs)[number]): boolean => (res.version === 0 ? c.isDefault === true : c.configSource === DEFAULT_CONFIG_SOURCE);
      out.set(result.resourceName, result.configs.filter((c) => !isDefault(c)).map((c) => [c.name, c.value ?? 'null']));
    }
    return out;
  }

  /**
   * Creates a topic and waits until its partitions have leaders. Resolves false when it existed
   * already and `ifNotExists` is set (otherwise that is a CliError).
   */
  async createTopic(spec: TopicSpec, ifNotExists: boolean): Promise<boolean> {
    const res = await this.any((conn) => {
      const version = conn.version(CREATE_TOPICS, 1, 7);
      if (version < 4 && (spec.partitions === undefined || spec.replicationFactor === undefined)) {
        throw new CliError(`This broker needs --partitions and --replication-factor (it speaks CreateTopics v${version}, broker defaults need v4)`);
      }
      return conn.request<CreateTopicsResponse>(CREATE_TOPICS, version, {
        timeoutMs: TIMEOUT_MS,
        validateOnly: false,
        topics: [{ name: spec.name, numPartitions: spec.partitions ?? -1, replicationFactor: spec.replicationFactor ?? -1, assignments: [], configs: spec.configs.map(([name, value]) => ({ name, value })) }],
      });
    });
    const [result] = res.topics;
    if (result?.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) {
      if (ifNotExists) return false;
      throw new CliError(`Topic '${spec.name}' already exists — see \`sluice topics describe ${spec.name}\`, or pass --if-not-exists`);
    }
    check(result?.errorCode ?? ErrorCode.NONE, `creating topic '${spec.name}'`, result?.errorMessage);
    await this.waitForLeaders(spec.name);
    return true;
  }

  private async waitForLeaders(name: string): Promise<void> {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const [t] = (await this.metadata([name])).topics;
      if (t && t.errorCode === ErrorCode.NONE && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0)) return;
      if (Date.now() > deadline) throw new CliError(`Topic '${name}' was created but its partitions have no leader after ${TIMEOUT_MS / 1000} s; check the broker`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Raises the partition count of `name` to `count` (Kafka cannot lower it). */
  async increasePartitions(name: string, count: number): Promise<void> {
    const res = await this.any((conn) =>
      conn.request<CreatePartitionsResponse>(CREATE_PARTITIONS, conn.version(CREATE_PARTITIONS, 0, 3), {
        topics: [{ name, count, assignments: null }],
        timeoutMs: TIMEOUT_MS,
        validateOnly: false,
      }),
    );
    for (const r of res.results) check(r.errorCode, `raising the partitions of topic '${r.name}' to ${count}`, r.errorMessage);
    await this.waitForLeaders(name);
  }

  /** Deletes topics (all must exist: check with {@link describeTopics} first). */
  async deleteTopics(names: readonly string[]): Promise<void> {
    const res = await this.any((conn) => {
      const version = conn.version(DELETE_TOPICS, 1, 6);
      return conn.request<DeleteTopicsResponse>(DELETE_TOPICS, version, {
        timeoutMs: TIMEOUT_MS,
        ...(version >= 6 ? { topics: names.map((name) => ({ name, topicId: new Uint8Array(16) })) } : { topicNames: [...names] }),
      });
    });
    for (const r of res.responses) check(r.errorCode, `deleting topic '${r.name}'`, r.errorMessage);
  }

  close(): void {
    this.cluster.close();
  }
}

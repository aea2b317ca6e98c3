import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { ConfigError } from '../../errors.ts';
import type { CommitOffset, IsolationLevel } from '../group-consumer.ts';
import type { KafkaAdmin, NewTopic, PartitionOffsets, TopicDescription } from '../kafka-admin.ts';

// kafkajs is CommonJS and Node's ESM loader does not see this export by name.
const { ConfigResourceTypes } = kafkajs;

/** How long `createTopics` waits for topics another client is creating to get their leaders. */
const LEADER_WAIT_MS = 30_000;

/**
 * Runs `request` again while it fails with a retriable error, for up to LEADER_WAIT_MS: a
 * partition created a moment ago answers UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER_FOR_PARTITION
 * until its leader serves it, and kafkajs's admin does not retry these itself.
 */
async function retrying<T>(request: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (let pause = 50; ; pause = Math.min(pause * 2, 1000)) {
    try {
      return await request();
    } catch (e) {
      if (!(e as { retriable?: boolean }).retriable || Date.now() + pause > deadline) throw e;
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

/**
 * {@link KafkaAdmin} on a kafkajs admin client, connected on first use.
 *
 * @example
 * ```ts
 * const admin = new KafkajsAdmin(kafka);
 * await admin.listTopics();
 * await admin.close();
 * ```
 */
export class KafkajsAdmin implements KafkaAdmin {
  private admin: Admin | undefined;
  private connecting: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async listTopics(): Promise<string[]> {
    return (await this.connected()).listTopics();
  }

  async createTopics(topics: readonly NewTopic[]): Promise<string[]> {
    if (topics.length === 0) return [];
    const admin = await this.connected();
    const before = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !before.has(t.name));
    if (missing.length === 0) {
      await this.waitForLeaders(admin, topics.map((t) => t.name)); // another client may have just created them
      return [];
    }
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (e) {
      // Another client may be creating some of them at the same moment (apps of one system started
      // together on a fresh cluster): then they appear, with leaders, within a few seconds.
      await this.waitForLeaders(admin, missing.map((t) => t.name), e);
      return [];
    }
    // kafkajs's own wait ends once metadata names leaders (and is skipped when another client
    // created the topics first); a leader may still answer NOT_LEADER for a moment after that
    await this.waitForLeaders(admin, missing.map((t) => t.name));
    return missing.map((t) => t.name);
  }

  /**
   * Waits until every partition of `names` has a leader that serves it, as a just-created topic
   * gets once the controller has placed it; rethrows `cause` (or a timeout error) after 30 s.
   */
  private async waitForLeaders(admin: Admin, names: string[], cause?: unknown): Promise<void> {
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (let pause = 50; ; pause = Math.min(pause * 2, 1000)) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        if (topics.length === names.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
          for (const name of names) await retrying(() => admin.fetchTopicOffsets(name)); // the leaders serve them
          return;
        }
      } catch (e) {
        if (!(e as { retriable?: boolean }).retriable) throw cause ?? e;
      }
      if (Date.now() > deadline) throw cause ?? new Error(`topics ${names.join(', ')} have no leader after ${LEADER_WAIT_MS / 1000}s; check the brokers`);
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    if (names.length > 0) await (await this.connected()).deleteTopics({ topics: [...names] });
  }

  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return [];
    const { topics } = await (await this.connected()).fetchTopicMetadata({ topics: [...names] });
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
        .sort((a, b) => a.partition - b.partition),
    }));
  }

  async topicConfigs(names: readonly string[], configNames: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (names.length === 0) return out;
    const { resources } = await (await this.connected()).describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: [...configNames] })),
    });
    for (const r of resources) {
      const values: Record<string, string> = {};
      for (const e of r.configEntries) if (e.configValue !== null && e.configValue !== undefined) values[e.configName] = e.configValue;
      out.set(r.resourceName, values);
    }
    return out;
  }

  async listOffsets(topic: string, options: { isolationLevel?: IsolationLevel } = {}): Promise<PartitionOffsets[]> {
    if (options.isolationLevel === 'read_uncommitted') {
      // kafkajs's admin always asks for the last stable offset (read_committed); the high
      // watermark differs only while a transaction is open.
      throw new ConfigError(`listing the offsets of topic '${topic}' read_uncommitted: the kafkajs admin lists them read_committed only`);
    }
    const admin = await this.connected();
    const offsets = await retrying(() => admin.fetchTopicOffsets(topic));
    return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
  }

  async committedOffsets(groupId: string, topics: readonly string[]): Promise<CommitOffset[]> {
    if (topics.length === 0) return [];
    const result = await (await this.connected()).fetchOffsets({ groupId, topics: [...topics] });
    const out: CommitOffset[] = [];
    for (const t of result) {
      for (const p of t.partitions) {
        const offset = Number(p.offset);
        if (offset >= 0) out.push({ topic: t.topic, partition: p.partition, offset });
      }
    }
    return out;
  }

  async describeCluster(): Promise<{ brokers: { nodeId: number; host: string; port: number }[]; controllerId: number }> {
    const { brokers, controller } = await (await this.connected()).describeCluster();
    return { brokers: brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })), controllerId: controller ?? -1 };
  }

  /** Disconnects (a later call connects again). */
  async close(): Promise<void> {
    const connecting = this.connecting;
    this.admin = undefined;
    this.connecting = undefined;
    const admin = await connecting?.catch(() => undefined);
    await admin?.disconnect();
  }

  private connected(): Promise<Admin> {
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (e) {
        this.connecting = undefined;
        throw e;
      }
      this.admin = admin;
      return admin;
    })();
    return this.connecting;
  }
}

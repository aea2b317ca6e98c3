import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { ConfigError } from '../../errors.ts';
import type { CommitOffset, IsolationLevel } from '../group-consumer.ts';
import type { KafkaAdmin, NewTopic, PartitionOffsets, TopicDescription } from '../kafka-admin.ts';

// kafkajs is CommonJS and Node's ESM loader does not see this export by name.
const { ConfigResourceTypes } = kafkajs;

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
    if (missing.length === 0) return [];
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
      // Another client may have created some of them meanwhile; only fail if some are still missing.
      const now = new Set(await admin.listTopics());
      if (missing.some((t) => !now.has(t.name))) throw e;
      return [];
    }
    return missing.map((t) => t.name);
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
    const offsets = await (await this.connected()).fetchTopicOffsets(topic);
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

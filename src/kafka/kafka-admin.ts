import type { CommitOffset, IsolationLevel } from './group-consumer.ts';

/**
 * A topic to create with {@link KafkaAdmin.createTopics}.
 *
 * @example
 * ```ts
 * const t: NewTopic = { name: 'words', numPartitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } };
 * ```
 */
export interface NewTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs?: Readonly<Record<string, string>>;
}

/**
 * A topic as the cluster metadata describes it.
 *
 * @example
 * ```ts
 * const [t]: TopicDescription[] = await client.admin.describeTopics(['words']);
 * t.partitions.length;
 * ```
 */
export interface TopicDescription {
  name: string;
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
}

/**
 * The first and next offsets of one partition (low and high watermarks).
 *
 * @example
 * ```ts
 * const [p]: PartitionOffsets[] = await client.admin.listOffsets('words');
 * const records = p.high - p.low;
 * ```
 */
export interface PartitionOffsets {
  partition: number;
  low: number;
  high: number;
}

/**
 * Topic and group administration.
 *
 * @example
 * ```ts
 * if (!(await client.admin.listTopics()).includes('words')) await client.admin.createTopics([{ name: 'words', numPartitions: 1, replicationFactor: 1 }]);
 * ```
 */
export interface KafkaAdmin {
  /** Names of the topics of the cluster (internal ones included). */
  listTopics(): Promise<string[]>;
  /**
   * Creates topics and waits until their leaders are known; returns the names it created (a topic
   * that exists already is skipped, not an error).
   */
  createTopics(topics: readonly NewTopic[]): Promise<string[]>;
  /** Deletes topics. */
  deleteTopics(names: readonly string[]): Promise<void>;
  /** Partitions, leaders and replicas of existing topics. */
  describeTopics(names: readonly string[]): Promise<TopicDescription[]>;
  /** The values of `configNames` of each topic, as the broker reports them. */
  topicConfigs(names: readonly string[], configNames: readonly string[]): Promise<Map<string, Record<string, string>>>;
  /**
   * Low and high watermark of every partition of a topic. With `read_committed` (the default) the
   * high watermark is the last stable offset: the end a read_committed reader can reach.
   */
  listOffsets(topic: string, options?: { isolationLevel?: IsolationLevel }): Promise<PartitionOffsets[]>;
  /** Offsets the group committed on partitions of `topics`; partitions without a commit are left out. */
  committedOffsets(groupId: string, topics: readonly string[]): Promise<CommitOffset[]>;
  /** The brokers of the cluster (a cheap round trip: how `waitForBroker` probes). */
  describeCluster(): Promise<{ brokers: { nodeId: number; host: string; port: number }[]; controllerId: number }>;
}

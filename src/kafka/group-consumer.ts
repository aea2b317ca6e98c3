import type { TopicPartition } from '../topics/message-context.ts';
import type { ConsumedMessage } from './consumed-message.ts';

/**
 * An offset to commit for a partition: the offset of the next record to read (last processed + 1).
 *
 * @example
 * ```ts
 * const o: CommitOffset = { topic: 'jokes', partition: 0, offset: 1001 };
 * ```
 */
export interface CommitOffset {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * The consumer's place in its group, as a transactional offset commit carries it (KIP-447).
 * `generationId` is -1 and `memberId` empty where the client does not expose them (kafkajs).
 *
 * @example
 * ```ts
 * const meta: GroupMetadata = consumer.groupMetadata();
 * ```
 */
export interface GroupMetadata {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/**
 * Which records a read sees: only those of committed transactions (and records written outside
 * transactions), or every record. Kafka's `isolation.level`.
 *
 * @example
 * ```ts
 * const level: IsolationLevel = 'read_committed';
 * ```
 */
export type IsolationLevel = 'read_committed' | 'read_uncommitted';

/**
 * Options of {@link KafkaClient.consumer}.
 *
 * @example
 * ```ts
 * const options: GroupConsumerOptions = { groupId: 'word-count', topics: ['words'], fromBeginning: true };
 * ```
 */
export interface GroupConsumerOptions {
  groupId: string;
  /** The topics to subscribe to. */
  topics: readonly string[];
  /** Where a partition without a committed offset starts: true = earliest, false = latest. */
  fromBeginning: boolean;
  /** Kafka's `session.timeout.ms`; default 30000. */
  sessionTimeoutMs?: number;
  /** Kafka's `heartbeat.interval.ms`; default 3000. */
  heartbeatIntervalMs?: number;
  /** Longest time a fetch waits for data, in ms (Kafka's `fetch.max.wait.ms`); default 500. */
  maxWaitMs?: number;
  /**
   * `read_committed` (the default, as in kafkajs and librdkafka) delivers only records of
   * committed transactions and no control records; `read_uncommitted` delivers every record.
   */
  isolationLevel?: IsolationLevel;
}

/**
 * Records of one topic-partition, in offset order, as one fetch returned them.
 *
 * @example
 * ```ts
 * const handler: ConsumerHandler = { onBatch: async (b: FetchedBatch) => console.log(b.topic, b.partition, b.messages.length), onAssignment: () => {} };
 * ```
 */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  /** Not empty. */
  readonly messages: readonly ConsumedMessage[];
}

/**
 * What a {@link GroupConsumer} calls while it runs. Calls never overlap: the consumer waits for
 * each returned promise before the next call, and keeps the member alive in its group (heartbeats)
 * however long a call takes.
 *
 * @example
 * ```ts
 * const handler: ConsumerHandler = {
 *   onBatch: async (batch) => { process(batch); },
 *   onAssignment: (partitions) => console.log('now own', partitions),
 *   onRebalancing: async () => { await checkpoint.commit(); },
 * };
 * ```
 */
export interface ConsumerHandler {
  /**
   * A batch to process. After it resolves the consumer goes on reading the partition after the
   * batch's last record, unless {@link GroupConsumer.seek} moved the position meanwhile. A
   * rejection stops the consumer: {@link GroupConsumer.run} rejects with it.
   */
  onBatch(batch: FetchedBatch): Promise<void>;
  /**
   * The member's whole assignment after every (re)join, before any batch of the new generation.
   * Compare with the previous one for what was added and removed.
   */
  onAssignment(partitions: readonly TopicPartition[]): void;
  /**
   * The group is rebalancing and this member is about to rejoin: the last moment a commit with the
   * current generation succeeds (as a Java consumer's `onPartitionsRevoked`).
   */
  onRebalancing?(): Promise<void>;
}

/**
 * A member of a consumer group: subscribes, receives partitions from the group and fetches them.
 *
 * @example
 * ```ts
 * const consumer = client.consumer({ groupId: 'g', topics: ['in'], fromBeginning: true });
 * const done = consumer.run({ onBatch: async (b) => { handle(b); await consumer.commit([{ topic: b.topic, partition: b.partition, offset: b.messages.at(-1)!.offset + 1 }]); }, onAssignment: () => {} });
 * // later
 * await consumer.stop();
 * await done;
 * ```
 */
export interface GroupConsumer {
  /**
   * Connects, joins the group and calls `handler` until {@link stop}; resolves once stopped,
   * rejects with the error that made the consumer give up (it is stopped then).
   */
  run(handler: ConsumerHandler): Promise<void>;
  /** Stops fetching these partitions until {@link resume}; batches already fetched may still come. */
  pause(partitions: readonly TopicPartition[]): void;
  /** Fetches paused partitions again. */
  resume(partitions: readonly TopicPartition[]): void;
  /** The next fetch of the partition starts at `offset` (e.g. back to the last committed one). */
  seek(partition: TopicPartition, offset: number): void;
  /**
   * Commits offsets for the current generation; rejects (retriable) when the group rebalanced and
   * the partitions may belong to another member now.
   */
  commit(offsets: readonly CommitOffset[]): Promise<void>;
  /** The generation and member id of the current membership. */
  groupMetadata(): GroupMetadata;
  /** Lets the call in progress finish, leaves the group and disconnects. Idempotent. */
  stop(): Promise<void>;
}

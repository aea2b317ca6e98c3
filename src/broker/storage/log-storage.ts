/**
 * The seam between the embedded broker's request handlers and its durable storage.
 * Implementations live beside this file (`file-log-storage.ts`). Offsets are JavaScript numbers
 * (exact up to 2^53, far beyond any log this broker will hold); codecs convert int64 at the edge.
 *
 * All methods are synchronous: a produce is acknowledged once `append` returns, and the bytes are
 * then in the operating system's page cache, so they survive `kill -9` of the broker process.
 */

/** A topic as the broker knows it. */
export interface TopicInfo {
  readonly name: string;
  /** 16 random bytes, stable across restarts (Metadata v10+ and DescribeTopics expose it). */
  readonly topicId: Uint8Array;
  readonly partitions: number;
  /** Topic-level configs that were set explicitly (e.g. `retention.ms`, `cleanup.policy`). */
  readonly configs: Readonly<Record<string, string>>;
}

import type { TransactionMarker } from '../../protocol/control-batch.ts';
import type { AbortedTransaction, OpenTransaction } from './producer-state.ts';
import type { ProducerEntry } from './producer-entry.ts';

export type { AbortedTransaction, OpenTransaction, ProducerEntry };

/** What an append assigned. */
export interface AppendResult {
  /** Offset of the first record appended (of the original batch for a duplicate). */
  readonly baseOffset: number;
  /** Broker time stamped on the batch when the topic uses `LogAppendTime`, else -1. */
  readonly logAppendTime: number;
  readonly logStartOffset: number;
  /** True when the append repeated one of its producer's last five batches: nothing was written. */
  readonly duplicate?: boolean;
}

/** The records of one partition: an append-only log of record batches. */
export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  /** First offset still readable (moves forward with retention and DeleteRecords). */
  readonly logStartOffset: number;
  /** Offset the next record will get; equals the high watermark on this single-node broker. */
  readonly logEndOffset: number;
  /** First offset of the oldest open transaction, else the log end offset: read_committed reads stop here. */
  readonly lastStableOffset: number;
  /**
   * Appends the record batches of one Produce partition (magic 2, already CRC-checked by the
   * caller), rewriting each batch's base offset in place. Returns once the bytes are written.
   * Batches with a producer id are checked against the partition's producer state first: a retry
   * of one of the producer's last five batches writes nothing and answers the original offsets
   * (`duplicate`); a sequence gap, a fenced epoch or a control batch throws a `ProducerStateError`.
   */
  append(recordBatches: Buffer): AppendResult;
  /**
   * Appends a commit or abort marker (a control batch) for the producer's transaction in this
   * partition, closing it. Throws `InvalidProducerEpochError` for an epoch older than the producer's.
   */
  appendMarker(marker: TransactionMarker): AppendResult;
  /**
   * Whole record batches starting with the one that contains `offset`, up to `maxBytes` — but at
   * least one batch even if it is larger (as Kafka does) — and only batches that start before
   * `maxOffset` (default: the log end; read_committed passes the last stable offset). Empty when
   * `offset === logEndOffset`. Throws `OffsetOutOfRangeError` outside `[logStartOffset, logEndOffset]`.
   */
  read(offset: number, maxBytes: number, maxOffset?: number): Buffer;
  /** Aborted transactions overlapping `[fromOffset, toOffset)` (the Fetch response lists them for read_committed). */
  abortedTransactions(fromOffset: number, toOffset: number): AbortedTransaction[];
  /** Transactions open in this partition (what holds the last stable offset back). */
  openTransactions(): OpenTransaction[];
  /** The producers this partition remembers (DescribeProducers). */
  producers(): ProducerEntry[];
  /** The earliest offset whose batch max timestamp is >= `timestamp`, or null when none is. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null;
  /** Moves the log start offset forward (DeleteRecords); returns the new log start offset. */
  deleteRecordsBefore(offset: number): number;
  /** Calls `listener` after every append (fetch long-polls wait on it). Returns an unsubscribe. */
  onAppend(listener: () => void): () => void;
}

/** Every topic and partition the broker holds, under one data directory. */
export interface LogStorage {
  createTopic(name: string, partitions: number, configs?: Record<string, string>): TopicInfo;
  deleteTopic(name: string): void;
  /** Grows a topic to `totalPartitions` partitions. */
  addPartitions(name: string, totalPartitions: number): TopicInfo;
  alterConfigs(name: string, configs: Record<string, string | null>): TopicInfo;
  topic(name: string): TopicInfo | undefined;
  topics(): TopicInfo[];
  partition(topic: string, partition: number): PartitionLog | undefined;
  /** Applies time and size retention once; the broker calls it on a timer. */
  enforceRetention(now: number): void;
  close(): void;
}

/** One committed consumer-group offset. */
export interface CommittedOffset {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  readonly commitTimestamp: number;
}

/** Durable committed offsets of consumer groups (they survive a broker restart). */
export interface OffsetStore {
  commit(group: string, topic: string, partition: number, offset: CommittedOffset): void;
  fetch(group: string, topic: string, partition: number): CommittedOffset | undefined;
  /** Every committed partition of a group, by topic. */
  fetchAll(group: string): Map<string, Map<number, CommittedOffset>>;
  /** Removes one partition's committed offset (OffsetDelete); returns whether there was one. */
  deleteOffset(group: string, topic: string, partition: number): boolean;
  deleteGroup(group: string): void;
  /** Groups that have committed offsets. */
  groups(): string[];
  close(): void;
}

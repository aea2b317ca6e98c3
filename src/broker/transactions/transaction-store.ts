import type { TransactionState } from './transaction-state.ts';

/** One partition of a transaction. */
export interface TxnPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * What the coordinator keeps per transactional id (Kafka's TransactionMetadata), as stored. The
 * coordinator replaces a record on every change; records are never mutated.
 */
export interface TransactionRecord {
  readonly transactionalId: string;
  readonly producerId: number;
  /** The producer id before the last rotation (epoch exhaustion), else -1. */
  readonly lastProducerId: number;
  readonly producerEpoch: number;
  /** The epoch before the last bump by InitProducerId, so a retried InitProducerId is recognised; -1 when unknown. */
  readonly lastProducerEpoch: number;
  readonly timeoutMs: number;
  readonly state: TransactionState;
  /** Partitions of the open (or ending) transaction. */
  readonly partitions: readonly TxnPartition[];
  /** Consumer groups whose offsets the transaction commits (AddOffsetsToTxn). */
  readonly groups: readonly string[];
  /** When the open transaction began (ms since the epoch), -1 when none is open. */
  readonly startMs: number;
  readonly updateMs: number;
}

/** An offset committed inside a transaction (TxnOffsetCommit), applied when it commits. */
export interface PendingOffset {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
}

/** Everything a transaction store holds. */
export interface StoredTransactions {
  readonly transactions: readonly TransactionRecord[];
  /** Pending offsets of the open transaction of each transactional id. */
  readonly pendingOffsets: ReadonlyMap<string, readonly PendingOffset[]>;
  /** End (exclusive) of the last reserved block of producer ids; 0 when none was reserved. */
  readonly producerIdBlockEnd: number;
}

/**
 * The transaction coordinator's durable log (Kafka's `__transaction_state`): a record written
 * before every change is acknowledged, so that after a restart each transaction is resolvable.
 * Implementations: `FileTransactionStore` (storage/) and an in-memory one in the tests.
 *
 * @example
 * ```ts
 * store.save({ ...record, state: 'PrepareCommit', updateMs: Date.now() });
 * ```
 */
export interface TransactionStore {
  /** What was stored before this process started (read once at start-up). */
  load(): StoredTransactions;
  /** Stores the record; a record whose transaction ended (Empty, Complete*, Dead) drops its pending offsets. */
  save(record: TransactionRecord): void;
  /** Forgets a transactional id (it expired). */
  remove(transactionalId: string): void;
  /** Adds offsets to the open transaction of the transactional id. */
  addPendingOffsets(transactionalId: string, offsets: readonly PendingOffset[]): void;
  /** Records that producer ids below `blockEnd` are handed out, so a restart never reuses one. */
  reserveProducerIds(blockEnd: number): void;
  close(): void;
}

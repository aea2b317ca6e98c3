/**
 * The transaction coordinator's request and result types. Handlers translate the wire structures
 * (generated codecs, bigint ids, versions) to these and back.
 */
import type { PendingOffset, TxnPartition } from './transaction-store.ts';

/** The producer a transactional request claims to be. */
export interface ProducerIdentity {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** An InitProducerId. */
export interface InitProducerIdInput {
  /** null: an idempotent producer without transactions (it gets a fresh id). */
  readonly transactionalId: string | null;
  readonly transactionTimeoutMs: number;
  /** v3+ (KIP-360): the producer's current id and epoch when it asks for a bump; -1 otherwise. */
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** The InitProducerId answer. */
export interface InitProducerIdResult {
  readonly errorCode: number;
  /** -1 on errors. */
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** AddPartitionsToTxn for one transaction. */
export interface AddPartitionsInput extends ProducerIdentity {
  readonly partitions: readonly TxnPartition[];
}

/** AddOffsetsToTxn. */
export interface AddOffsetsInput extends ProducerIdentity {
  readonly groupId: string;
}

/** The transaction part of a TxnOffsetCommit (the group part is checked by the group coordinator). */
export interface TxnOffsetCommitInput extends ProducerIdentity {
  readonly groupId: string;
  readonly offsets: readonly Omit<PendingOffset, 'group'>[];
}

/** EndTxn. */
export interface EndTxnInput extends ProducerIdentity {
  readonly commit: boolean;
}

/** Where the coordinator applies the offsets of a committed transaction (the group coordinator). */
export interface TransactionalOffsetSink {
  /** Stores offsets committed by a transaction, without member checks (they were checked at TxnOffsetCommit). */
  commitTransactionalOffsets(groupId: string, offsets: readonly Omit<PendingOffset, 'group'>[]): void;
}

/** A transactional id as DescribeTransactions (and tests) see it. */
export interface TransactionDescription {
  readonly transactionalId: string;
  readonly state: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly timeoutMs: number;
  readonly startMs: number;
  readonly partitions: readonly TxnPartition[];
  readonly groups: readonly string[];
  readonly pendingOffsets: readonly PendingOffset[];
}

import type { OutgoingRecord } from '../topics/message-context.ts';
import type { CommitOffset, GroupMetadata } from './group-consumer.ts';

/**
 * Options of a {@link TransactionalProducer} (`KafkaClient.transactionalProducer`, added together
 * with the embedded broker's transaction APIs so that both brokers test it).
 *
 * @example
 * ```ts
 * const options: TransactionalProducerOptions = { transactionalId: 'word-count-0', transactionTimeoutMs: 60_000 };
 * ```
 */
export interface TransactionalProducerOptions {
  /** Kafka's `transactional.id`: a new producer with the same id fences the old one. */
  transactionalId: string;
  /** Kafka's `transaction.timeout.ms`: the broker aborts a transaction open longer; default 60000. */
  transactionTimeoutMs?: number;
}

/**
 * A producer whose records and consumer offsets become visible together or not at all (Kafka
 * transactions, KIP-98; with the group generation in the offset commit, KIP-447, where the client
 * supports it — see {@link TransactionalProducer.supportsGroupMetadata}).
 *
 * @example
 * ```ts
 * const tx = client.transactionalProducer({ transactionalId: 'app-0' });
 * await tx.begin();
 * await tx.send(records);
 * await tx.sendOffsets([{ topic: 'in', partition: 0, offset: 42 }], consumer.groupMetadata());
 * await tx.commit();
 * ```
 */
export interface TransactionalProducer {
  /**
   * True when {@link sendOffsets} carries the group generation and member id (TxnOffsetCommit v3+),
   * so one producer per instance is fenced by the group; false (kafkajs) means the caller must use
   * one transactional id per input partition instead.
   */
  readonly supportsGroupMetadata: boolean;
  /** Starts a transaction (registers the producer id on first use: InitProducerId). */
  begin(): Promise<void>;
  /** Sends records inside the open transaction; resolves when they are acknowledged. */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  /** Adds the consumer offsets to commit with the transaction. */
  sendOffsets(offsets: readonly CommitOffset[], group: GroupMetadata): Promise<void>;
  /** Commits the open transaction: its records and offsets become visible together. */
  commit(): Promise<void>;
  /** Aborts the open transaction: read_committed consumers never see its records. */
  abort(): Promise<void>;
  /** Disconnects (an open transaction is left for the broker to abort on timeout or fencing). */
  close(): Promise<void>;
}

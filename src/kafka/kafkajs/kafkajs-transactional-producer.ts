import { Partitioners, type Kafka, type Producer, type Transaction } from 'kafkajs';
import { SluiceError } from '../../errors.ts';
import type { OutgoingRecord } from '../../topics/message-context.ts';
import type { CommitOffset, GroupMetadata } from '../group-consumer.ts';
import { isFencingError, ProducerFencedError } from '../producer-fenced-error.ts';
import type { TransactionalProducer, TransactionalProducerOptions } from '../transactional-producer.ts';
import { KafkajsAdmin } from './kafkajs-admin.ts';
import { ExplicitPartitionCheck, kafkajsTopicMessages, recordChunks } from './kafkajs-record-chunks.ts';

/**
 * {@link TransactionalProducer} on a kafkajs transactional producer. kafkajs 2.2 commits offsets in
 * a transaction with TxnOffsetCommit v0–1, without the group generation (no KIP-447), so
 * `supportsGroupMetadata` is false: fencing works by `transactional.id` only, and an app uses one
 * producer per input partition. Sends are serialized and go out in chunks (as `KafkajsProducer`'s);
 * a failed send fails the transaction (it must be aborted). A fenced producer
 * (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH) rejects with a {@link ProducerFencedError}.
 *
 * @example
 * ```ts
 * const tx = new KafkajsTransactionalProducer(kafka, { transactionalId: 'word-count-words-0' });
 * await tx.begin();
 * await tx.send(records);
 * await tx.sendOffsets([{ topic: 'words', partition: 0, offset: 120 }], consumer.groupMetadata());
 * await tx.commit();
 * ```
 */
export class KafkajsTransactionalProducer implements TransactionalProducer {
  readonly supportsGroupMetadata = false;
  private readonly producer: Producer;
  private readonly partitions: ExplicitPartitionCheck;
  private connected: Promise<void> | undefined;
  private transaction: Transaction | undefined;
  private tail: Promise<void> = Promise.resolve();
  /** The first send of the open transaction that failed: the transaction can only be aborted. */
  private failure: Error | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: TransactionalProducerOptions,
  ) {
    this.partitions = new ExplicitPartitionCheck(new KafkajsAdmin(kafka));
    this.producer = kafka.producer({
      transactionalId: options.transactionalId,
      transactionTimeout: options.transactionTimeoutMs ?? 60_000,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  async begin(): Promise<void> {
    if (this.transaction) throw new SluiceError(`transactional producer '${this.options.transactionalId}' has an open transaction; commit or abort it before begin()`);
    await this.fenced('beginning a transaction', async () => {
      this.connected ??= this.producer.connect().catch((e: unknown) => {
        this.connected = undefined;
        throw e;
      });
      await this.connected;
      this.transaction = await this.producer.transaction();
    });
    this.failure = undefined;
  }

  send(records: readonly OutgoingRecord[]): Promise<void> {
    const tx = this.open();
    if (records.length === 0) return this.tail.then(() => this.throwFailure());
    const sent = this.tail.then(async () => {
      this.throwFailure();
      try {
        for (const [start, end] of recordChunks(records)) {
          await this.partitions.verify(records, start, end);
          await this.fenced('sending records in the transaction', () => tx.sendBatch({ topicMessages: kafkajsTopicMessages(records, start, end), acks: -1 }));
        }
      } catch (e) {
        this.failure ??= e as Error;
        throw e;
      }
    });
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  async sendOffsets(offsets: readonly CommitOffset[], group: GroupMetadata): Promise<void> {
    const tx = this.open();
    await this.tail;
    this.throwFailure();
    if (offsets.length === 0) return;
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const o of offsets) {
      let list = byTopic.get(o.topic);
      if (!list) byTopic.set(o.topic, (list = []));
      list.push({ partition: o.partition, offset: String(o.offset) });
    }
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    await this.fenced('adding consumer offsets to the transaction', () => tx.sendOffsets({ consumerGroupId: group.groupId, topics }));
  }

  async commit(): Promise<void> {
    const tx = this.open();
    await this.tail;
    this.throwFailure();
    try {
      await this.fenced('committing the transaction', () => tx.commit());
    } finally {
      this.transaction = undefined;
    }
  }

  async abort(): Promise<void> {
    const tx = this.transaction;
    this.transaction = undefined;
    await this.tail;
    this.failure = undefined;
    if (tx?.isActive()) await this.fenced('aborting the transaction', () => tx.abort());
  }

  async close(): Promise<void> {
    this.transaction = undefined;
    await this.tail;
    await this.partitions.close();
    if (this.connected) await this.producer.disconnect().catch(() => undefined);
    this.connected = undefined;
  }

  private open(): Transaction {
    if (!this.transaction) throw new SluiceError(`transactional producer '${this.options.transactionalId}' has no open transaction; call begin() first`);
    return this.transaction;
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure;
  }

  /** Runs `work`, turning kafkajs's fencing errors into a ProducerFencedError. */
  private async fenced<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      throw isFencingError(e) ? new ProducerFencedError(this.options.transactionalId, what, e) : e;
    }
  }
}

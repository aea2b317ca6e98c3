import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { SluiceError } from '../../errors.ts';
import type { OutgoingRecord } from '../../topics/message-context.ts';
import { isRetriable } from '../is-retriable.ts';
import type { RecordProducer, RecordProducerOptions } from '../record-producer.ts';
import { KafkajsAdmin } from './kafkajs-admin.ts';
import { ExplicitPartitionCheck, kafkajsTopicMessages, recordChunks } from './kafkajs-record-chunks.ts';

export { SEND_CHUNK_BYTES, SEND_CHUNK_RECORDS } from './kafkajs-record-chunks.ts';

const RETRY_FIRST_PAUSE_MS = 100;
const RETRY_MAX_PAUSE_MS = 5000;

/**
 * {@link RecordProducer} on a kafkajs producer (Java-compatible default partitioner, acks -1).
 * `send` calls are serialized, and each goes out in chunks of at most {@link SEND_CHUNK_RECORDS}
 * records and {@link SEND_CHUNK_BYTES} bytes, one after another: a broker rejects requests over its
 * `message.max.bytes` (1 MiB by default), kafkajs groups large batches in time quadratic in their
 * size, and one request at a time keeps per-partition order when a chunk is retried (kafkajs's
 * producer is not idempotent here).
 *
 * @example
 * ```ts
 * const producer = new KafkajsProducer(kafka, { logger });
 * await producer.send(records);
 * await producer.close();
 * ```
 */
export class KafkajsProducer implements RecordProducer {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  /** Looks up partition counts; connected only when a record names a partition not seen yet. */
  private readonly partitions: ExplicitPartitionCheck;

  constructor(
    kafka: Kafka,
    private readonly options: RecordProducerOptions & { logger: Logger },
  ) {
    this.partitions = new ExplicitPartitionCheck(new KafkajsAdmin(kafka));
    this.producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  }

  send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return this.tail.then(() => undefined, () => undefined);
    const sent = this.tail.then(
      () => this.sendAll(records),
      () => this.sendAll(records),
    );
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.partitions.close();
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }

  private async sendAll(records: readonly OutgoingRecord[]): Promise<void> {
    for (const [start, end] of recordChunks(records)) await this.sendChunkUntilDelivered(records, start, end);
  }

  /** Sends one chunk, trying again with growing pauses while the failure is retriable and time is left. */
  private async sendChunkUntilDelivered(records: readonly OutgoingRecord[], start: number, end: number): Promise<void> {
    const timeoutMs = this.options.deliveryTimeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    let pause = RETRY_FIRST_PAUSE_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connect();
        await this.partitions.verify(records, start, end);
        await this.producer.sendBatch({ topicMessages: kafkajsTopicMessages(records, start, end), acks: -1 });
        if (attempt > 1) this.options.logger.info({ attempt }, 'produce succeeded after retrying');
        return;
      } catch (e) {
        if (!isRetriable(e) || Date.now() + pause > deadline) {
          if (attempt === 1) throw e;
          throw new SluiceError(`producing ${end - start} record(s) failed for ${timeoutMs} ms (${attempt} attempts): ${(e as Error).message}; check that the broker is up and reachable`, { cause: e, retriable: true });
        }
        const log = attempt === 1 ? this.options.logger.warn : this.options.logger.debug;
        log.call(this.options.logger, { err: e, attempt, retryInMs: pause }, 'produce failed; retrying');
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(pause * 2, RETRY_MAX_PAUSE_MS);
      }
    }
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((e: unknown) => {
      this.connected = undefined; // the next send connects again
      throw e;
    });
    return this.connected;
  }
}

import { Partitioners, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import { SluiceError } from '../../errors.ts';
import type { OutgoingRecord } from '../../topics/message-context.ts';
import { isRetriable } from '../is-retriable.ts';
import type { RecordProducer, RecordProducerOptions } from '../record-producer.ts';
import { TopicLayoutError } from '../topic-layout-error.ts';
import { KafkajsAdmin } from './kafkajs-admin.ts';

/** Most records in one produce request of {@link KafkajsProducer}. */
export const SEND_CHUNK_RECORDS = 1000;
/** Most key + value bytes (plus a per-record allowance) in one produce request: well under Kafka's 1 MiB default limit. */
export const SEND_CHUNK_BYTES = 512 * 1024;

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
  /** Partition counts of the topics records were sent to with an explicit partition. */
  private readonly partitionCounts = new Map<string, number>();
  /** Looks up partition counts; connected only when a record names a partition not seen yet. */
  private readonly admin: KafkajsAdmin;

  constructor(
    kafka: Kafka,
    private readonly options: RecordProducerOptions & { logger: Logger },
  ) {
    this.admin = new KafkajsAdmin(kafka);
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
    await this.admin.close();
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }

  private async sendAll(records: readonly OutgoingRecord[]): Promise<void> {
    let start = 0;
    while (start < records.length) {
      let end = start;
      let bytes = 0;
      while (end < records.length && end - start < SEND_CHUNK_RECORDS) {
        const r = records[end]!;
        const size = (r.key?.length ?? 0) + (r.value?.length ?? 0) + 64;
        if (end > start && bytes + size > SEND_CHUNK_BYTES) break;
        bytes += size;
        end++;
      }
      await this.sendChunkUntilDelivered(records, start, end);
      start = end;
    }
  }

  /** Sends one chunk, trying again with growing pauses while the failure is retriable and time is left. */
  private async sendChunkUntilDelivered(records: readonly OutgoingRecord[], start: number, end: number): Promise<void> {
    const timeoutMs = this.options.deliveryTimeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    let pause = RETRY_FIRST_PAUSE_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connect();
        await this.sendChunk(records, start, end);
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

  private async sendChunk(records: readonly OutgoingRecord[], start: number, end: number): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    let beyondKnown: Map<string, number> | undefined;
    for (let i = start; i < end; i++) {
      const r = records[i]!;
      if (r.partition !== undefined && !(r.partition < (this.partitionCounts.get(r.topic) ?? 0))) {
        beyondKnown ??= new Map();
        beyondKnown.set(r.topic, Math.max(beyondKnown.get(r.topic) ?? 0, r.partition));
      }
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push({
        key: r.key,
        value: r.value,
        headers: r.headers,
        timestamp: String(r.timestamp),
        ...(r.partition === undefined ? {} : { partition: r.partition }),
      });
    }
    if (beyondKnown) await this.checkPartitions(beyondKnown);
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await this.producer.sendBatch({ topicMessages, acks: -1 });
  }

  /**
   * kafkajs drops, without an error, records sent to a partition its metadata does not know; so
   * before a record goes to an explicit partition this producer has not seen yet, it looks the
   * topic up and refuses partitions that do not exist.
   */
  private async checkPartitions(highest: ReadonlyMap<string, number>): Promise<void> {
    const topics = await this.admin.describeTopics([...highest.keys()]);
    for (const t of topics) this.partitionCounts.set(t.name, t.partitions.length);
    for (const [topic, partition] of highest) {
      const count = this.partitionCounts.get(topic) ?? 0;
      if (partition >= count) {
        throw new TopicLayoutError(topic, `cannot write to partition ${partition} of topic '${topic}': it has ${count} partition(s). Recreate the topic with at least ${partition + 1} partitions.`);
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

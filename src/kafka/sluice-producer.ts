import { Partitioners, type Admin, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { MessageHeaders, OutgoingRecord } from '../topics/message-context.ts';
import { SluiceError } from '../errors.ts';
import type { Topic } from '../topics/topic.ts';
import { isRetriable } from './is-retriable.ts';
import { TopicLayoutError } from './topic-layout-error.ts';

/** Most records in one produce request of {@link SluiceProducer.sendRecords}. */
export const SEND_CHUNK_RECORDS = 1000;
/** Most key + value bytes (plus a per-record allowance) in one produce request: well under Kafka's 1 MiB default limit. */
export const SEND_CHUNK_BYTES = 512 * 1024;

/**
 * One message for {@link SluiceProducer.produce}: key and value before serialization.
 *
 * @example
 * ```ts
 * const msg: ProduceMessage<{ n: number }> = { key: 'a', value: { n: 1 }, headers: { source: 'test' } };
 * ```
 */
export interface ProduceMessage<V, K = string> {
  key?: K | null;
  value: V;
  headers?: MessageHeaders;
  /** Epoch ms; default: now (set by the client). */
  timestamp?: number;
  /** Default: chosen by the key's hash (Java-compatible murmur2), round-robin without a key. */
  partition?: number;
}

/**
 * Options of a {@link SluiceProducer}.
 *
 * @example
 * ```ts
 * const opts: SluiceProducerOptions = { logger, lingerMs: 10, batchSize: 500 };
 * ```
 */
export interface SluiceProducerOptions {
  logger: Logger;
  /** How long `produce` waits for more messages before sending a batch, in ms (default 5). */
  lingerMs?: number;
  /** Send as soon as this many messages are queued (default 1000). */
  batchSize?: number;
  /** Return true to ignore a failed send (it is logged); default: the next produce/flush throws it. */
  onError?: (error: Error) => boolean;
  /**
   * How long a send that fails with a retriable error (the broker is down or restarting, a leader
   * moved) is tried again before it fails, in ms; default 120000, Kafka's `delivery.timeout.ms`.
   */
  deliveryTimeoutMs?: number;
}

const RETRY_FIRST_PAUSE_MS = 100;
const RETRY_MAX_PAUSE_MS = 5000;

/**
 * A producer that serializes with each topic's serializers and sends in batches (acks from all
 * in-sync replicas). `produce` only queues; `flush` waits until everything queued is acknowledged.
 *
 * @example
 * ```ts
 * const producer = app.getProducer();
 * const jokes = app.topic<{ text: string }>('jokes');
 * producer.produce(jokes, { key: 'j1', value: { text: 'knock knock' } });
 * await producer.flush();
 * await producer.close();
 * ```
 */
export class SluiceProducer {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;
  private queue: OutgoingRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;
  /** Partition counts of the topics records were sent to with an explicit partition. */
  private readonly partitionCounts = new Map<string, number>();
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: SluiceProducerOptions,
  ) {
    this.producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  }

  /** The underlying kafkajs producer. */
  get raw(): Producer {
    return this.producer;
  }

  /**
   * Serializes `message` with the topic's serializers and queues it. Throws SerializationError,
   * or the error of an earlier failed send.
   *
   * @example
   * ```ts
   * producer.produce(app.topic<number>('n', { valueSerializer: 'int' }), { value: 7 });
   * ```
   */
  produce<V, K>(topic: Topic<V, K>, message: ProduceMessage<V, K>): void {
    this.throwIfFailed();
    if (this.closed) throw new Error('this producer is closed; create another with app.getProducer()');
    this.queue.push({
      topic: topic.name,
      key: topic.serializeKey(message.key),
      value: topic.serializeValue(message.value),
      headers: message.headers ?? {},
      timestamp: message.timestamp ?? Date.now(),
      ...(message.partition === undefined ? {} : { partition: message.partition }),
    });
    if (this.queue.length >= (this.options.batchSize ?? 1000)) this.startSend();
    else this.timer ??= setTimeout(() => this.startSend(), this.options.lingerMs ?? 5);
  }

  /**
   * Waits until every queued message is acknowledged; throws the first failed send.
   *
   * @example
   * ```ts
   * await producer.flush();
   * ```
   */
  async flush(): Promise<void> {
    this.startSend();
    await this.inFlight;
    this.throwIfFailed();
  }

  /**
   * Sends already-serialized records and waits until all are acknowledged. They go out in chunks of
   * at most {@link SEND_CHUNK_RECORDS} records and {@link SEND_CHUNK_BYTES} bytes, one after another:
   * a broker rejects requests over its `message.max.bytes` (1 MiB by default), kafkajs groups large
   * batches in time quadratic in their size, and sequential chunks keep per-partition order even
   * when a chunk is retried.
   *
   * @example
   * ```ts
   * await producer.sendRecords(processor.process(batch).produced);
   * ```
   */
  async sendRecords(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
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
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [...highest.keys()] });
    for (const t of topics) this.partitionCounts.set(t.name, t.partitions.length);
    for (const [topic, partition] of highest) {
      const count = this.partitionCounts.get(topic) ?? 0;
      if (partition >= count) {
        throw new TopicLayoutError(topic, `cannot write to partition ${partition} of topic '${topic}': it has ${count} partition(s). Recreate the topic with at least ${partition + 1} partitions.`);
      }
    }
  }

  /**
   * Flushes and disconnects.
   *
   * @example
   * ```ts
   * await producer.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.admin?.disconnect();
      if (this.connected) await this.producer.disconnect();
    }
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((e: unknown) => {
      this.connected = undefined; // the next send connects again
      throw e;
    });
    return this.connected;
  }

  private startSend(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    this.inFlight = this.inFlight.then(() =>
      this.sendRecords(records).catch((e: Error) => {
        if (this.options.onError?.(e)) {
          this.options.logger.warn({ err: e, records: records.length }, 'ignored a failed produce');
          return;
        }
        this.failure ??= e;
      }),
    );
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

import type { Logger } from 'pino';
import type { MessageHeaders, OutgoingRecord } from '../topics/message-context.ts';
import type { Topic } from '../topics/topic.ts';
import type { RecordProducer } from './record-producer.ts';

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
}

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
  private queue: OutgoingRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;

  constructor(
    private readonly producer: RecordProducer,
    private readonly options: SluiceProducerOptions,
  ) {}

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
   * Sends already-serialized records and waits until all are acknowledged (see
   * {@link RecordProducer.send} for order and retries).
   *
   * @example
   * ```ts
   * await producer.sendRecords(processor.process(batch).produced);
   * ```
   */
  async sendRecords(records: readonly OutgoingRecord[]): Promise<void> {
    await this.producer.send(records);
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
      await this.producer.close();
    }
  }

  private startSend(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    this.inFlight = this.inFlight.then(() =>
      this.producer.send(records).catch((e: Error) => {
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

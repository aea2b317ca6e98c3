import type { Application } from '../app/application.ts';
import type { Processor } from '../app/processor.ts';
import { SluiceError } from '../errors.ts';
import { StateManager } from '../state/state-manager.ts';
import type { MessageHeaders, OutgoingRecord } from '../topics/message-context.ts';
import type { Topic } from '../topics/topic.ts';
import { ManualClock } from '../windows/wall-clock.ts';

/** Options of {@link TestDriver.send}. */
export interface SendOptions<K = unknown> {
  key?: K;
  /** Event time, epoch ms; default 0. */
  timestamp?: number;
  headers?: MessageHeaders;
  /** Default: a hash of the key bytes over the topic's partitions (partition 0 without a key). */
  partition?: number;
}

/** A record as {@link TestDriver.read} returns it: deserialized with the topic's deserializers. */
export interface DriverRecord<V = unknown, K = unknown> {
  key: K;
  value: V;
  timestamp: number;
  headers: MessageHeaders;
  partition: number;
  offset: number;
}

interface StoredRecord {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: MessageHeaders;
  partition: number;
  offset: number;
}

/** The most records one `send` may cause (through repartition topics) before the driver gives up. */
const MAX_CASCADE = 100_000;

/**
 * Runs a whole Application in memory, synchronously, without Kafka: every topic is an in-memory
 * log, state lives in memory (changelog records are written to their topics like in production),
 * and records the app produces to topics it reads (repartition topics) are processed right away.
 *
 * @example
 * ```ts
 * import { TestDriver } from 'sluice/testing';
 * const driver = new TestDriver(app);
 * driver.send('transactions', { product_id: 'p1', amount: 10 }, { key: 'user_1', timestamp: 1000 });
 * driver.read('product-revenue'); // [{ key: 'p1', value: { product_id: 'p1', revenue: 10, orders: 1 }, ... }]
 * driver.advanceTime(60_000);       // wall clock: closes idle `.final({ idleTimeout })` windows
 * ```
 */
export class TestDriver {
  readonly state: StateManager;
  private readonly processor: Processor;
  private readonly logs = new Map<string, StoredRecord[]>();
  private readonly nextOffset = new Map<string, number>();

  /** The wall clock the app's windows see; moved only by {@link advanceTime}. */
  readonly clock: ManualClock;

  constructor(private readonly app: Application, options: { startTime?: number } = {}) {
    this.state = new StateManager({ consumerGroup: app.config.consumerGroup, inMemory: true, autoAssign: true });
    this.clock = new ManualClock(options.startTime ?? 0);
    this.processor = app.createProcessor({ state: this.state, clock: this.clock });
  }

  /**
   * Moves the wall clock forward by `ms` and runs the app's ticks: windows with
   * `.final({ idleTimeout })` of partitions idle that long close and emit.
   */
  advanceTime(ms: number): void {
    this.clock.advance(ms);
    const result = this.processor.tick();
    if (result.error) throw result.error;
    for (const record of [...result.produced, ...result.changelog]) this.append(record);
    this.processor.delivered(result);
  }

  /** Names of the topics the app reads. */
  get inputTopics(): string[] {
    return this.processor.topics;
  }

  /**
   * Serializes `value` with the topic's serializers, appends it to the topic and processes it
   * (and everything it causes) before returning.
   */
  send<V, K = unknown>(topic: string, value: V, options: SendOptions<K> = {}): void {
    const t = this.topic(topic);
    const key = t.serializeKey(options.key ?? null);
    this.append({ topic, key, value: t.serializeValue(value), headers: options.headers ?? {}, timestamp: options.timestamp ?? 0, partition: options.partition });
  }

  /**
   * Appends a message as raw bytes — a malformed value, an empty one, a tombstone (`null`) — to
   * `topic` and processes it, as {@link send} does.
   *
   * @example
   * ```ts
   * driver.sendRaw('words', Buffer.from('{not json'), { key: Buffer.from('w') });
   * driver.read('dead-letters')[0].headers['sluice.dlq.error.class']; // 'DeserializationError'
   * ```
   */
  sendRaw(topic: string, value: Buffer | null, options: Omit<SendOptions<Buffer | null>, 'key'> & { key?: Buffer | null } = {}): void {
    this.topic(topic);
    this.append({ topic, key: options.key ?? null, value, headers: options.headers ?? {}, timestamp: options.timestamp ?? 0, partition: options.partition });
  }

  /** Everything written to `topic` so far, deserialized, in partition then offset order. */
  read<V = any, K = any>(topic: string): DriverRecord<V, K>[] {
    const t = this.app.topics.get(topic) ?? this.processor.topic(topic);
    const records = [...(this.logs.get(topic) ?? [])].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    return records.map((r) => ({
      key: (t ? t.deserializeKey(r.key, r.partition, r.offset) : r.key?.toString('utf8') ?? null) as K,
      value: (t ? t.deserializeValue(r.value, r.partition, r.offset) : r.value) as V,
      timestamp: r.timestamp,
      headers: r.headers,
      partition: r.partition,
      offset: r.offset,
    }));
  }

  /** Frees the processor and the state. */
  async close(): Promise<void> {
    this.processor.close();
    await this.state.close();
  }

  private topic(name: string): Topic<any, any> {
    const t = this.app.topics.get(name) ?? this.processor.topic(name);
    if (!t) throw new SluiceError(`TestDriver: the app declares no topic "${name}"; declare it with app.topic("${name}").`);
    return t;
  }

  private append(first: OutgoingRecord): void {
    const queue: OutgoingRecord[] = [first];
    let handled = 0;
    while (queue.length > 0) {
      if (++handled > MAX_CASCADE) throw new SluiceError(`TestDriver: more than ${MAX_CASCADE} records followed one send; does the app write to a topic it reads in a loop?`);
      const record = queue.shift()!;
      const partitions = (this.app.topics.get(record.topic) ?? this.processor.topic(record.topic))?.config.numPartitions ?? 1;
      const partition = record.partition ?? partitionFor(record.key, partitions);
      const id = `${record.topic}[${partition}]`;
      const offset = this.nextOffset.get(id) ?? 0;
      this.nextOffset.set(id, offset + 1);
      const stored: StoredRecord = { key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers, partition, offset };
      const log = this.logs.get(record.topic) ?? [];
      log.push(stored);
      this.logs.set(record.topic, log);
      if (!this.processor.topics.includes(record.topic)) continue;
      const result = this.processor.process({ topic: record.topic, partition, messages: [{ ...stored }] });
      if (result.error) throw result.error;
      queue.push(...result.produced, ...result.changelog);
      this.processor.delivered(result);
    }
  }
}

/** A stable partition for key bytes (FNV-1a); keyless records go to partition 0. */
function partitionFor(key: Buffer | null, partitions: number): number {
  if (!key || partitions <= 1) return 0;
  let h = 0x811c9dc5;
  for (const b of key) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h % partitions;
}

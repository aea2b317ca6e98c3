import type { Logger } from 'pino';
import { pino } from 'pino';
import { compilePipeline, type CompiledPipeline } from '../dataframe/compile-pipeline.ts';
import type { FrameNode } from '../dataframe/frame-node.ts';
import { ProcessingError } from '../dataframe/processing-error.ts';
import type { Row } from '../dataframe/row.ts';
import type { StreamingDataFrame } from '../dataframe/streaming-data-frame.ts';
import type { SluiceError } from '../errors.ts';
import type { MessageContext, OutgoingRecord, RawMessage, TopicPartition } from '../topics/message-context.ts';
import type { DeserializationError } from '../topics/serialization-errors.ts';
import { TombstoneError } from '../topics/tombstone-error.ts';
import type { StateAccess } from '../state/state-access.ts';
import type { WallClock } from '../windows/wall-clock.ts';
import type { Topic } from '../topics/topic.ts';
import { isSinkOperator } from '../dataframe/operators/sink.ts';
import type { Sink } from '../sinks/base/sink.ts';
import { deadLetterRecord, type DeadLetterTarget } from './dead-letter.ts';
import type { ProcessingHooks } from './processing-hooks.ts';
import { emptyStats, type ProcessingStats } from './processing-stats.ts';

/**
 * A batch of messages of one topic-partition, in offset order.
 *
 * @example
 * ```ts
 * const batch: InputBatch = { topic: 'jokes', partition: 0, messages: [{ key: null, value: Buffer.from('{}'), timestamp: 0, offset: 0 }] };
 * ```
 */
export interface InputBatch {
  topic: string;
  partition: number;
  messages: readonly RawMessage[];
}

/**
 * What processing a batch gave. `lastProcessedOffset` is the offset of the last message fully
 * handled (processed or skipped), or -1 when none was; commit `lastProcessedOffset + 1` once
 * `produced` and then `changelog` are acknowledged. With `error` set the pipeline stopped at a bad
 * message (not counted in `lastProcessedOffset`, its outputs discarded): produce, commit, then stop.
 *
 * @example
 * ```ts
 * const { produced, changelog, lastProcessedOffset, error } = processor.process(batch);
 * ```
 */
export interface BatchResult {
  /** The records the frames send with `toTopic` (and to repartition topics), and the batch's dead letters. */
  produced: OutgoingRecord[];
  /**
   * The state changes of the batch for the changelog topics (added by the state hooks). Produce
   * them only once `produced` is acknowledged: a changelog record marks its input as processed,
   * and a replay skips what the state already reflects, so its outputs must be written first.
   */
  changelog: OutgoingRecord[];
  lastProcessedOffset: number;
  error?: SluiceError;
  /**
   * Of a tick's result only: the input partition each `produced` record belongs to (the partition
   * whose window it closed), so that an exactly-once checkpoint puts it into that partition's
   * transaction.
   */
  sources?: TopicPartition[];
}

/**
 * Decides whether a bad message is skipped (return true) or stops processing.
 *
 * @example
 * ```ts
 * const skipBadJson: ErrorCallback<DeserializationError> = (e) => e.field === 'value';
 * ```
 */
export type ErrorCallback<E> = (error: E) => boolean;

/**
 * Options of a {@link Processor}.
 *
 * @example
 * ```ts
 * const opts: ProcessorOptions = { dataframes: [sdf], onDeserializationError: () => true };
 * ```
 */
export interface ProcessorOptions {
  /** The frames to run: every branch derived from them (their leaves) runs. */
  dataframes: readonly StreamingDataFrame<any, any>[];
  /** Return true to skip a message that cannot be deserialized (or is an unaccepted tombstone). */
  onDeserializationError?: ErrorCallback<DeserializationError>;
  /** Return true to skip a message a callback threw on. */
  onProcessingError?: ErrorCallback<ProcessingError>;
  /**
   * Where a bad message that the callbacks above do not skip is written (see `deadLetterRecord`),
   * as a record of the batch's `produced`; processing then goes on. Without it, it stops the batch.
   */
  deadLetters?: DeadLetterTarget;
  logger?: Logger;
  /** Counters to update (default: fresh ones, see `processor.stats`). */
  stats?: ProcessingStats;
  /** State for stateful operators and windows (a StateManager). */
  state?: StateAccess;
  /** Wall clock for idle window closing; default the system clock. */
  clock?: WallClock;
}

/**
 * The pure processing core: deserializes a batch, runs it synchronously through the compiled
 * frames, serializes what `toTopic` sends and applies the error policy. It knows nothing about
 * Kafka — the kafkajs run loop and the TestDriver both drive it.
 *
 * Error policy, per message: a message whose key or value cannot be deserialized (or a tombstone
 * no frame of the topic accepts) goes to `onDeserializationError`, one a callback throws on to
 * `onProcessingError`; if that returns true the message is skipped (its offset counts as
 * processed, nothing is written). Otherwise, with `deadLetters`, the original message is written
 * to the dead-letter topic with the error in its headers, as part of the batch's output, and
 * processing goes on. Otherwise the batch stops before the message (`result.error`). A message
 * that fails leaves no output and no state change behind in every case.
 *
 * @example
 * ```ts
 * const processor = new Processor({ dataframes: [sdf] });
 * const result = processor.process({ topic: 'in', partition: 0, messages });
 * // result.produced → records for the producer; commit result.lastProcessedOffset + 1 after the ack
 * ```
 */
export class Processor {
  readonly stats: ProcessingStats;
  private readonly hooks: ProcessingHooks[] = [];
  private readonly pipeline: CompiledPipeline;
  private readonly topicsByName = new Map<string, Topic<any, any>>();
  /** Topics every frame of which accepts tombstones. */
  private readonly tombstoneTopics = new Set<string>();
  private readonly log: Logger;
  private produced: OutgoingRecord[] = [];
  /** Rows for sinks of the batch being processed (parallel arrays: no object per row). */
  private sunkTo: Sink<any>[] = [];
  private sunkRows: Row[] = [];
  private readonly sinkSet = new Set<Sink<any>>();
  private failure: ProcessingError | undefined;
  private skipRow = false;
  private readonly tickers: Array<() => void> = [];
  /** While ticking: the input partition of each produced record. */
  private tickSources: TopicPartition[] | undefined;

  constructor(private readonly options: ProcessorOptions) {
    this.stats = options.stats ?? emptyStats();
    this.log = options.logger ?? pino({ level: 'silent' });
    const leaves = new Set<FrameNode>();
    const refusesTombstones = new Set<string>();
    for (const sdf of options.dataframes) {
      for (const root of sdf.node.ancestry().filter((n) => n.isRoot)) {
        this.topicsByName.set(root.topic!.name, root.topic!);
        if (root.acceptsTombstones) this.tombstoneTopics.add(root.topic!.name);
        else refusesTombstones.add(root.topic!.name);
        for (const leaf of root.leaves()) leaves.add(leaf);
      }
    }
    for (const leaf of leaves) for (const node of leaf.ancestry()) if (isSinkOperator(node.operator)) this.sinkSet.add(node.operator.sink);
    for (const t of refusesTombstones) this.tombstoneTopics.delete(t);
    this.pipeline = compilePipeline([...leaves], { produce: (t, row, key) => this.produce(t, row, key), sink: (sink, row) => this.sink(sink, row), fail: (e, row, op) => this.fail(e, row, op), state: options.state, clock: options.clock, stats: this.stats, onTick: (fn) => this.tickers.push(fn) }, () => {});
  }

  /**
   * Whether the frames keep state: then each batch's state must be committed (`delivered`) before
   * the next batch of its partition is processed.
   */
  get stateful(): boolean {
    return this.options.state !== undefined;
  }

  /** The sinks the frames end in (`sdf.sink(...)`), each once: open, flush and close these. */
  get sinks(): readonly Sink<any>[] {
    return [...this.sinkSet];
  }

  /** Names of the topics the frames read (subscribe to these). */
  get topics(): string[] {
    return [...this.pipeline.topics];
  }

  /**
   * The input topic named `name`, with its deserializers.
   *
   * @example
   * ```ts
   * processor.topic('jokes')?.config.numPartitions;
   * ```
   */
  topic(name: string): Topic<any, any> | undefined {
    return this.topicsByName.get(name);
  }

  /**
   * Registers hooks (state managers); they run in registration order.
   *
   * @example
   * ```ts
   * processor.addHooks({ beforeBatch: (t, p) => console.log('batch of', t, p) });
   * ```
   */
  addHooks(hooks: ProcessingHooks): void {
    this.hooks.push(hooks);
  }

  /**
   * Tells hooks that partitions were assigned.
   *
   * @example
   * ```ts
   * await processor.assign([{ topic: 'in', partition: 0 }]);
   * ```
   */
  async assign(partitions: TopicPartition[]): Promise<void> {
    for (const h of this.hooks) await h.onAssign?.(partitions);
  }

  /**
   * Tells hooks that partitions were revoked.
   *
   * @example
   * ```ts
   * await processor.revoke([{ topic: 'in', partition: 0 }]);
   * ```
   */
  async revoke(partitions: TopicPartition[]): Promise<void> {
    for (const h of this.hooks) await h.onRevoke?.(partitions);
  }

  /**
   * Processes one batch synchronously; see {@link BatchResult} for what to do with the result.
   *
   * @example
   * ```ts
   * const result = processor.process({ topic: 'in', partition: 0, messages });
   * ```
   */
  process(batch: InputBatch): BatchResult {
    const { topic: topicName, partition, messages } = batch;
    const topic = this.topicsByName.get(topicName);
    const inputs = this.pipeline.inputs.get(topicName);
    if (!topic || !inputs) throw new TypeError(`no dataframe reads topic '${topicName}'`);
    for (const h of this.hooks) h.beforeBatch?.(topicName, partition);
    const { state, deadLetters } = this.options;
    const acceptsTombstones = this.tombstoneTopics.has(topicName);
    const deadLetteredBefore = this.stats.deadLettered;
    this.produced = [];
    let lastProcessedOffset = -1;
    let error: SluiceError | undefined;
    for (const msg of messages) {
      this.stats.processed++;
      let key: unknown;
      let value: unknown;
      try {
        key = topic.deserializeKey(msg.key, partition, msg.offset);
        if (msg.value === null && !acceptsTombstones) throw new TombstoneError(topicName, partition, msg.offset);
        value = topic.deserializeValue(msg.value, partition, msg.offset);
      } catch (e) {
        const de = e as DeserializationError;
        if (this.options.onDeserializationError?.(de)) {
          this.stats.skippedDeserializationErrors++;
          this.log.warn({ topic: topicName, partition, offset: msg.offset, err: de }, 'skipped a message that cannot be deserialized');
          lastProcessedOffset = msg.offset;
          continue;
        }
        if (deadLetters) {
          this.deadLetter(deadLetters, topicName, partition, msg, de);
          lastProcessedOffset = msg.offset;
          continue;
        }
        error = de;
        break;
      }
      const ctx: MessageContext<unknown> = {
        key,
        timestamp: msg.timestamp,
        headers: msg.headers ?? {},
        topic: topicName,
        partition,
        offset: msg.offset,
      };
      const mark = this.produced.length;
      const sinkMark = this.sunkRows.length;
      const savepoint = state ? state.savepoint(topicName, partition) : 0;
      this.failure = undefined;
      this.skipRow = false;
      try {
        if (topic.timestampExtractor) ctx.timestamp = topic.timestampExtractor(value, ctx);
        const row: Row = { value, ctx };
        for (const input of inputs) input.next(row);
      } catch (e) {
        this.fail(e, { value, ctx }, 'timestampExtractor');
      }
      if (this.failure || this.skipRow) {
        // a failed or skipped row leaves no trace: neither outputs nor state changes
        this.produced.length = mark;
        this.sunkTo.length = this.sunkRows.length = sinkMark;
        state?.rollback(topicName, partition, savepoint);
      }
      if (this.failure && deadLetters) {
        this.deadLetter(deadLetters, topicName, partition, msg, this.failure);
      } else if (this.failure) {
        error = this.failure;
        break;
      }
      lastProcessedOffset = msg.offset;
    }
    const result: BatchResult = { produced: this.produced, changelog: [], lastProcessedOffset, ...(error ? { error } : {}) };
    this.stats.produced += result.produced.length - (this.stats.deadLettered - deadLetteredBefore);
    this.produced = [];
    this.handToSinks();
    for (const h of this.hooks) h.afterBatch?.(batch, result);
    return result;
  }

  /**
   * Runs the work operators registered for ticks (idle window closing) and returns what it
   * produced; call it periodically (the run loop does, every second).
   *
   * @example
   * ```ts
   * const { produced } = processor.tick();
   * ```
   */
  tick(): BatchResult {
    this.produced = [];
    const sources: TopicPartition[] = [];
    this.tickSources = sources;
    let error: SluiceError | undefined;
    try {
      for (const fn of this.tickers) {
        this.failure = undefined;
        fn();
        if (this.failure) {
          error = this.failure;
          break;
        }
      }
    } finally {
      this.tickSources = undefined;
    }
    sources.length = this.produced.length;
    const result: BatchResult = { produced: this.produced, changelog: [], lastProcessedOffset: -1, sources, ...(error ? { error } : {}) };
    this.stats.produced += result.produced.length;
    this.produced = [];
    this.handToSinks();
    for (const h of this.hooks) h.afterTick?.(result);
    return result;
  }

  /**
   * Tells hooks that the records of `result` (from {@link process} or {@link tick}) are
   * acknowledged: state stores commit the checkpoint they prepared for it. Call it after a
   * successful produce, before committing consumer offsets; never when the produce failed.
   *
   * @example
   * ```ts
   * const result = processor.process(batch);
   * await producer.sendRecords(result.produced);
   * await producer.sendRecords(result.changelog);
   * processor.delivered(result);
   * ```
   */
  delivered(result: BatchResult): void {
    for (const h of this.hooks) h.afterDelivery?.(result);
  }

  /** Stops the compiled pipeline. */
  close(): void {
    this.pipeline.dispose();
  }

  private deadLetter(target: DeadLetterTarget, topic: string, partition: number, message: RawMessage, error: SluiceError): void {
    this.produced.push(deadLetterRecord(target, { topic, partition, message }, error));
    this.stats.deadLettered++;
    this.log.warn({ topic, partition, offset: message.offset, deadLetterTopic: target.topic, err: error }, 'wrote a message that failed to the dead-letter topic');
  }

  private produce(topic: Topic<any, any>, row: Row, key: unknown): void {
    this.tickSources?.push({ topic: row.ctx.topic, partition: row.ctx.partition });
    this.produced.push({
      topic: topic.name,
      key: topic.serializeKey(key),
      value: topic.serializeValue(row.value),
      headers: row.ctx.headers,
      timestamp: row.ctx.timestamp,
    });
  }

  private sink(sink: Sink<any>, row: Row): void {
    this.sunkTo.push(sink);
    this.sunkRows.push(row);
  }

  /** Gives the rows of the messages that succeeded to their sinks (they buffer them until the checkpoint). */
  private handToSinks(): void {
    const to = this.sunkTo;
    const rows = this.sunkRows;
    for (let i = 0; i < rows.length; i++) to[i].add(rows[i]);
    to.length = rows.length = 0;
  }

  private fail(error: unknown, row: Row, operator: string): void {
    if (this.failure || this.skipRow) return;
    const pe = new ProcessingError(operator, row.ctx.topic, row.ctx.partition, row.ctx.offset, error);
    if (this.options.onProcessingError?.(pe)) {
      this.stats.skippedProcessingErrors++;
      this.log.warn({ topic: row.ctx.topic, partition: row.ctx.partition, offset: row.ctx.offset, err: pe }, 'skipped a message a callback failed on');
      this.skipRow = true;
      return;
    }
    this.failure = pe;
  }
}

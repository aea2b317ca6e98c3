import type { Logger } from 'pino';
import { SluiceError } from '../errors.ts';
import type { CommitOffset, GroupConsumer } from '../kafka/group-consumer.ts';
import { SinkBackpressureError } from '../sinks/base/sink-backpressure-error.ts';
import type { RecordProducer } from '../kafka/record-producer.ts';
import type { TopicPartition } from '../topics/message-context.ts';
import type { Checkpoint, CheckpointParticipant } from './checkpoint.ts';
import { flushParticipants } from './flush-participants.ts';
import type { ProcessingStats } from './processing-stats.ts';
import type { BatchResult, Processor } from './processor.ts';

/**
 * Options of an {@link AtLeastOnceCheckpoint}.
 *
 * @example
 * ```ts
 * const options: AtLeastOnceCheckpointOptions = { producer, consumer, processor, logger, stats: app.stats };
 * ```
 */
export interface AtLeastOnceCheckpointOptions {
  producer: RecordProducer;
  /** Commits the offsets. */
  consumer: Pick<GroupConsumer, 'commit'>;
  processor: Pick<Processor, 'delivered' | 'stateful'>;
  logger: Logger;
  /** `ignoredProducerErrors` is counted here. */
  stats: ProcessingStats;
  /** Flushed at every checkpoint before state and offsets commit (sinks). */
  participants?: readonly CheckpointParticipant[];
  /** Return true to go on past records that could not be delivered (they are lost); default: stop. */
  onProducerError?: (error: Error) => boolean;
}

/** Results whose outputs may be on their way at once before `add` waits for the oldest. */
const MAX_IN_FLIGHT = 8;

/**
 * The at-least-once {@link Checkpoint}: outputs, then sinks, then changelogs and local state, then
 * offsets. Sinks (the participants) are flushed when offsets are committed; for a stateful
 * processor with every result, and before its outputs are sent (its state must not mark an input
 * processed before its rows are written, and a sink that fails then leaves no output behind to be
 * produced again by the replay). For a stateful processor each added result is delivered before `add` resolves (outputs
 * acknowledged, sinks flushed, changelog acknowledged, state committed), because its state takes
 * the next batch of a partition only then. For a stateless one `add` only hands the outputs to
 * the producer, so fetching, processing and producing overlap (up to {@link MAX_IN_FLIGHT}
 * results); their offsets count once acknowledged, and `commit` waits for all of them first.
 *
 * @example
 * ```ts
 * const checkpoint = new AtLeastOnceCheckpoint({ producer, consumer, processor, logger, stats });
 * await checkpoint.add(processor.process(batch), { topic: batch.topic, partition: batch.partition });
 * await checkpoint.commit();
 * ```
 */
export class AtLeastOnceCheckpoint implements Checkpoint {
  private readonly offsets = new Map<string, CommitOffset>();
  /** Partitions revoked while a commit was in flight: a failed commit must not bring them back. */
  private revokedDuringCommit: Set<string> | undefined;
  /** Bumped per partition on revoke: a delivery started before does not record its offset. */
  private readonly revision = new Map<string, number>();
  /** Deliveries of stateless results, oldest first. */
  private inFlight: Promise<void>[] = [];
  private tail: Promise<void> = Promise.resolve();
  /** A stateless result that could not be delivered: nothing after it may be committed. */
  private failure: Error | undefined;
  /** A participant (sink) failed: nothing more is committed, the app must stop. */
  private sinkFailure: Error | undefined;
  /** Per partition: the offset after the last row the participants made durable (where a rewind reads from). */
  private readonly durable = new Map<string, number>();

  constructor(private readonly o: AtLeastOnceCheckpointOptions) {}

  get pending(): boolean {
    return this.offsets.size > 0 || this.inFlight.length > 0;
  }

  async add(result: BatchResult, source?: TopicPartition): Promise<void> {
    if (this.sinkFailure) throw this.sinkFailure;
    if (this.failure) throw this.failure;
    if (this.o.processor.stateful) {
      await this.settle();
      await this.deliver(result, source);
      return;
    }
    const key = source ? `${source.topic}:${source.partition}` : '';
    const revision = this.revision.get(key) ?? 0;
    const sent = this.o.producer.send(result.produced);
    const done = this.tail.then(() =>
      sent.then(
        () => this.delivered(result, source, key, revision),
        (e: unknown) => {
          if (this.ignored(e as Error, source)) this.delivered(result, source, key, revision);
          else this.failure ??= this.producingFailed(e as Error, source);
        },
      ),
    );
    this.tail = done;
    this.inFlight.push(done);
    void done.finally(() => this.inFlight.splice(this.inFlight.indexOf(done), 1));
    if (this.inFlight.length > MAX_IN_FLIGHT) await this.inFlight[0];
    if (this.failure) throw this.failure;
  }

  async commit(): Promise<void> {
    if (this.sinkFailure) {
      await this.commitWritten();
      throw this.sinkFailure;
    }
    // What was delivered before a failed result is committed; the failure is thrown after.
    await this.tail;
    await this.commitDelivered();
    if (this.failure) throw this.failure;
  }

  private async commitDelivered(): Promise<void> {
    let offsets = [...this.offsets.values()];
    if (offsets.length === 0) return;
    let pressure: SinkBackpressureError | undefined;
    let failure: Error | undefined;
    if ((this.o.participants ?? []).length > 0) {
      // only partitions every sink wrote are committed; a failure is thrown after committing them
      const outcome = await flushParticipants(this.o.participants!, offsets.map(({ topic, partition }) => ({ topic, partition })));
      ({ pressure, failure } = outcome);
      const written = new Set(outcome.written.map((p) => `${p.topic}:${p.partition}`));
      offsets = offsets.filter((o) => written.has(`${o.topic}:${o.partition}`));
      if (failure) this.sinkFailure = failure;
    }
    for (const o of offsets) this.durable.set(`${o.topic}:${o.partition}`, o.offset);
    this.offsets.clear();
    this.revokedDuringCommit = new Set();
    try {
      if (offsets.length > 0) {
        await this.o.consumer.commit(offsets);
        this.o.logger.debug({ offsets }, 'committed offsets');
      }
    } catch (e) {
      for (const o of offsets) {
        const key = `${o.topic}:${o.partition}`;
        if (!this.offsets.has(key) && !this.revokedDuringCommit.has(key)) this.offsets.set(key, o);
      }
      throw failure ?? e;
    } finally {
      this.revokedDuringCommit = undefined;
    }
    if (failure) throw failure;
    if (pressure) throw pressure;
  }

  /**
   * After a sink failed: commits the offsets whose rows every sink already wrote (the delivered
   * results of a stateful processor), so a restart does not write them again.
   */
  private async commitWritten(): Promise<void> {
    await this.tail.catch(() => undefined);
    const written = [...this.offsets.values()].filter((o) => this.durable.get(`${o.topic}:${o.partition}`) === o.offset);
    if (written.length === 0) return;
    for (const o of written) this.offsets.delete(`${o.topic}:${o.partition}`);
    await this.o.consumer.commit(written).catch((e: unknown) => this.o.logger.warn({ err: e }, 'could not commit the offsets of the rows written before the sink failed'));
  }

  /** Step 2 for one result (stateful) or a tick: a failure other than backpressure is final. */
  private async flushSinks(partitions: readonly TopicPartition[] | undefined): Promise<SinkBackpressureError | undefined> {
    const participants = this.o.participants ?? [];
    if (participants.length === 0) return undefined;
    const { pressure, failure } = await flushParticipants(participants, partitions);
    if (failure) throw (this.sinkFailure = failure);
    return pressure;
  }

  revoke(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) {
      const key = `${topic}:${partition}`;
      this.offsets.delete(key);
      this.durable.delete(key);
      this.revision.set(key, (this.revision.get(key) ?? 0) + 1);
      this.revokedDuringCommit?.add(key);
    }
    for (const p of this.o.participants ?? []) p.discard(partitions);
  }

  rewind(partitions: readonly TopicPartition[]): CommitOffset[] {
    const positions: CommitOffset[] = [];
    for (const { topic, partition } of partitions) {
      const key = `${topic}:${partition}`;
      const offset = this.durable.get(key);
      // an offset whose rows are all written (a delivered stateful batch) is still committed
      if (this.offsets.get(key)?.offset !== offset) this.offsets.delete(key);
      this.revision.set(key, (this.revision.get(key) ?? 0) + 1);
      if (offset !== undefined) positions.push({ topic, partition, offset });
    }
    for (const p of this.o.participants ?? []) p.discard(partitions);
    return positions;
  }

  /** Waits for the stateless results on their way; throws if one could not be delivered. */
  private async settle(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
  }

  /** The stateful path: every step of the batch, in order. */
  private async deliver(result: BatchResult, source: TopicPartition | undefined): Promise<void> {
    // Sinks first: a sink that fails or pushes back (a database outage) then leaves no output of the
    // batch behind, so the replay does not produce its records twice — a repartition topic would
    // otherwise feed them twice into the aggregates downstream.
    const pressure = await this.flushSinks(source ? [source] : undefined);
    // not delivered: the caller rewinds the partitions, which drops the batch's state changes
    if (pressure) throw pressure;
    try {
      await this.o.producer.send(result.produced);
    } catch (e) {
      if (!this.ignored(e as Error, source)) throw this.producingFailed(e as Error, source);
    }
    const key = source ? `${source.topic}:${source.partition}` : '';
    if (source && result.lastProcessedOffset >= 0 && (this.o.participants?.length ?? 0) > 0) this.durable.set(key, result.lastProcessedOffset + 1);
    try {
      await this.o.producer.send(result.changelog);
    } catch (e) {
      if (!this.ignored(e as Error, source)) throw this.producingFailed(e as Error, source);
    }
    this.delivered(result, source, key, this.revision.get(key) ?? 0);
  }

  private delivered(result: BatchResult, source: TopicPartition | undefined, key: string, revision: number): void {
    this.o.processor.delivered(result);
    // nothing after a result that could not be delivered counts: committing it would skip that one
    if (source && result.lastProcessedOffset >= 0 && !this.failure && (this.revision.get(key) ?? 0) === revision) {
      this.offsets.set(key, { topic: source.topic, partition: source.partition, offset: result.lastProcessedOffset + 1 });
    }
  }

  /** Whether the app's onProducerError chose to go on past `error` (counted and logged then). */
  private ignored(error: Error, source: TopicPartition | undefined): boolean {
    if (!this.o.onProducerError?.(error)) return false;
    this.o.stats.ignoredProducerErrors++;
    this.o.logger.warn({ err: error, ...source }, 'ignored a failed produce');
    return true;
  }

  private producingFailed(error: Error, source: TopicPartition | undefined): SluiceError {
    const what = source ? `the results of topic '${source.topic}' partition ${source.partition}` : 'the records of idle-closed windows';
    return new SluiceError(`producing ${what} failed: ${error.message}`, { cause: error });
  }
}

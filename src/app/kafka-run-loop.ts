import type { Logger } from 'pino';
import type { FetchedBatch, GroupConsumer } from '../kafka/group-consumer.ts';
import type { TopicPartition } from '../topics/message-context.ts';
import { SinkBackpressureError } from '../sinks/base/sink-backpressure-error.ts';
import { SinkError } from '../sinks/base/sink-error.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { Processor } from './processor.ts';

/**
 * Options of a {@link KafkaRunLoop}.
 *
 * @example
 * ```ts
 * const opts: KafkaRunLoopOptions = { consumer, checkpoint, processor, logger, commitInterval: 5000 };
 * ```
 */
export interface KafkaRunLoopOptions {
  /** The group member that feeds the loop (not running yet: the loop runs it). */
  consumer: GroupConsumer;
  /** Where processed batches go and how they become durable. */
  checkpoint: Checkpoint;
  processor: Processor;
  logger: Logger;
  /** ms between checkpoint commits. */
  commitInterval: number;
}

/**
 * The thin driver around a {@link Processor}: the consumer feeds it one topic-partition batch at a
 * time, each result goes to the {@link Checkpoint}, and the checkpoint is committed every
 * `commitInterval`, when the group rebalances and on stop (see `Checkpoint.commit` for what that
 * makes durable, in which order). Partition assignment opens and closes state through the
 * processor's hooks before the next batch. A bad message stops the loop after committing what
 * came before it. Once a second, between batches, the processor's tick runs (idle window closing).
 *
 * Backpressure: when the checkpoint reports that a sink asked to pause (a SinkBackpressureError),
 * the loop pauses those partitions on the consumer, has the checkpoint {@link Checkpoint.rewind}
 * them (their unwritten rows and offsets are dropped), drops their uncommitted state (revoke and
 * assign through the processor's hooks), seeks them back to the first offset not written and
 * resumes them after `retryAfterMs`. Batches of a paused partition that were fetched before the
 * pause are dropped. A sink that failed (a SinkError) stops the loop without committing.
 *
 * @example
 * ```ts
 * const loop = new KafkaRunLoop({ consumer, checkpoint, processor, logger, commitInterval: 5000 });
 * const done = loop.run();
 * // later
 * await loop.stop();
 * await done;
 * ```
 */
export class KafkaRunLoop {
  private readonly assigned = new Set<string>();
  private lastCommit = Date.now();
  private stopping = false;
  private stopped: Promise<void> | undefined;
  /** The loop's work, in order: batches, ticks, commits. */
  private current: Promise<void> = Promise.resolve();
  private commitTimer: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private assignment: Promise<void> = Promise.resolve();
  private fatal: Error | undefined;
  /** Per partition: the first offset processed since it was assigned (where a rewind with nothing written reads from). */
  private readonly readFrom = new Map<string, number>();
  /** Partitions paused for backpressure → the offset they read again from (undefined: where the consumer is). */
  private readonly paused = new Map<string, { tp: TopicPartition; offset: number | undefined; timer: NodeJS.Timeout }>();
  private finish!: (error?: Error) => void;

  constructor(private readonly o: KafkaRunLoopOptions) {}

  /**
   * Runs the consumer until {@link stop}; rejects with the error that stopped it, if any.
   *
   * @example
   * ```ts
   * await loop.run();
   * ```
   */
  run(): Promise<void> {
    const finished = new Promise<void>((resolve, reject) => {
      this.finish = (e) => (e ? reject(e) : resolve());
    });
    this.ticker = setInterval(() => this.enqueue(() => this.assignment.then(() => this.tick())), 1000);
    this.ticker.unref();
    // Commit also while no batch arrives, so an idle app does not sit on uncommitted offsets.
    this.commitTimer = setInterval(() => {
      if (!this.o.checkpoint.pending || Date.now() - this.lastCommit < this.o.commitInterval) return;
      this.enqueue(() => this.commit());
    }, this.o.commitInterval);
    this.commitTimer.unref();
    this.o.consumer
      .run({
        onBatch: (batch) => this.enqueue(() => this.onBatch(batch)),
        onAssignment: (partitions) => this.onAssignment(partitions),
        onRebalancing: () => this.enqueue(() => this.commit()),
      })
      .catch((e: Error) => {
        if (!this.stopping) this.failWith(e);
      });
    return finished;
  }

  /**
   * Finishes the in-flight batch, commits the checkpoint, leaves the group and disconnects.
   *
   * @example
   * ```ts
   * await loop.stop();
   * ```
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      clearInterval(this.commitTimer);
      clearInterval(this.ticker);
      await this.current;
      for (const { timer } of this.paused.values()) clearTimeout(timer);
      try {
        await this.o.checkpoint.commit();
      } catch (e) {
        if (e instanceof SinkError) this.fatal ??= e;
        else if (e instanceof SinkBackpressureError) this.o.logger.info({ partitions: e.partitions }, 'a sink asked to pause on stop; the next run writes the rows of these partitions');
        else this.o.logger.warn({ err: e }, 'could not commit offsets on stop; the next run may reprocess some messages');
      }
      await this.o.consumer.stop().catch((e) => this.o.logger.warn({ err: e }, 'consumer stop failed'));
      this.finish(this.fatal);
    })();
    return this.stopped;
  }

  /** Runs `work` after everything enqueued before it; the returned promise settles with it. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.current.then(work);
    this.current = run.catch(() => undefined);
    return run;
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    const result = this.o.processor.tick();
    if (result.error) {
      this.failWith(result.error);
      return;
    }
    await this.o.checkpoint.add(result).catch((e: Error) => this.checkpointFailed(e));
  }

  private async onBatch(batch: FetchedBatch): Promise<void> {
    if (this.stopping) return;
    await this.assignment;
    if (this.stopping) return;
    const source = { topic: batch.topic, partition: batch.partition };
    const key = `${batch.topic}:${batch.partition}`;
    const paused = this.paused.get(key);
    if (paused) {
      // fetched before the pause: dropped, and read again from the rewind offset after the resume
      if (paused.offset !== undefined) this.o.consumer.seek(source, paused.offset);
      return;
    }
    let messages = batch.messages;
    const from = this.o.checkpoint.admit?.(source, messages[0]!.offset);
    if (from !== undefined && from > messages[0]!.offset) messages = messages.filter((m) => m.offset >= from);
    if (messages.length === 0) return;
    if (!this.readFrom.has(key)) this.readFrom.set(key, messages[0]!.offset);
    let result;
    try {
      result = this.o.processor.process({ topic: batch.topic, partition: batch.partition, messages });
    } catch (e) {
      this.failWith(e as Error);
      return;
    }
    try {
      await this.o.checkpoint.add(result, source);
    } catch (e) {
      await this.checkpointFailed(e as Error);
      return;
    }
    if (result.error) {
      this.o.logger.error({ err: result.error }, 'stopping: a message could not be processed');
      this.failWith(result.error);
      return;
    }
    if (Date.now() - this.lastCommit >= this.o.commitInterval) await this.commit();
  }

  private async commit(): Promise<void> {
    this.lastCommit = Date.now();
    try {
      await this.o.checkpoint.commit();
    } catch (e) {
      if (e instanceof SinkError || e instanceof SinkBackpressureError) await this.checkpointFailed(e);
      else this.o.logger.warn({ err: e }, 'offset commit failed; will retry');
    }
  }

  /** A checkpoint step failed: backpressure pauses and rewinds, anything else stops the loop. */
  private async checkpointFailed(error: Error): Promise<void> {
    if (!(error instanceof SinkBackpressureError) || this.stopping) {
      if (!(error instanceof SinkBackpressureError)) this.failWith(error);
      return;
    }
    try {
      await this.backpressure(error);
    } catch (e) {
      this.failWith(e as Error);
    }
  }

  /** Pauses the partitions a sink could not take, rewinds them and resumes them after `retryAfterMs`. */
  private async backpressure(error: SinkBackpressureError): Promise<void> {
    const partitions = error.partitions.filter((p) => this.assigned.has(`${p.topic}:${p.partition}`) && !this.paused.has(`${p.topic}:${p.partition}`));
    if (partitions.length === 0) return;
    this.o.consumer.pause(partitions);
    const written = this.o.checkpoint.rewind(partitions);
    // drop the state changes of the rows not written: the partitions' stores reopen at their last commit
    await this.o.processor.revoke(partitions);
    await this.o.processor.assign(partitions);
    const from: Record<string, number | undefined> = {};
    for (const tp of partitions) {
      const key = `${tp.topic}:${tp.partition}`;
      const offset = written.find((w) => w.topic === tp.topic && w.partition === tp.partition)?.offset ?? this.readFrom.get(key);
      if (offset !== undefined) this.o.consumer.seek(tp, offset);
      from[key] = offset;
      const timer = setTimeout(() => void this.enqueue(async () => this.resumePaused(key)), error.retryAfterMs);
      this.paused.set(key, { tp, offset, timer });
    }
    this.o.logger.warn({ sink: error.sink, retryAfterMs: error.retryAfterMs, readAgainFrom: from }, 'a sink asked to pause: partitions paused and rewound');
  }

  private resumePaused(key: string): void {
    const paused = this.paused.get(key);
    if (!paused || this.stopping) return;
    this.paused.delete(key);
    if (!this.assigned.has(key)) return;
    if (paused.offset !== undefined) this.o.consumer.seek(paused.tp, paused.offset);
    this.o.consumer.resume([paused.tp]);
    this.o.logger.info({ topic: paused.tp.topic, partition: paused.tp.partition, offset: paused.offset }, 'resumed a partition paused for a sink');
  }

  private onAssignment(partitions: readonly TopicPartition[]): void {
    const now = new Set<string>();
    const added: TopicPartition[] = [];
    for (const { topic, partition } of partitions) {
      const key = `${topic}:${partition}`;
      now.add(key);
      if (!this.assigned.has(key)) added.push({ topic, partition });
    }
    const removed: TopicPartition[] = [];
    for (const key of this.assigned) {
      if (now.has(key)) continue;
      const i = key.lastIndexOf(':');
      removed.push({ topic: key.slice(0, i), partition: Number(key.slice(i + 1)) });
    }
    this.o.checkpoint.revoke(removed);
    for (const tp of [...removed, ...added]) this.readFrom.delete(`${tp.topic}:${tp.partition}`);
    // a rebalance resets positions to the committed offsets: paused partitions kept start from there
    for (const [key, { tp, timer }] of this.paused) {
      clearTimeout(timer);
      this.paused.delete(key);
      if (now.has(key)) this.o.consumer.resume([tp]);
    }
    this.assigned.clear();
    for (const key of now) this.assigned.add(key);
    this.o.logger.info({ assigned: [...now] }, 'partitions assigned');
    this.assignment = this.assignment
      .then(async () => {
        if (removed.length) await this.o.processor.revoke(removed);
        // the checkpoint first (transactional producers fence the previous owners), then state
        const reopen = (await this.o.checkpoint.assign?.(partitions)) ?? [];
        if (reopen.length) await this.o.processor.revoke(reopen);
        if (added.length || reopen.length) await this.o.processor.assign([...added, ...reopen]);
      })
      .catch((e) => this.failWith(e as Error));
  }

  private failWith(error: Error): void {
    this.fatal ??= error;
    setImmediate(() => void this.stop());
  }
}

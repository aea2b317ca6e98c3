import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Logger } from 'pino';
import { SluiceError } from '../errors.ts';
import type { SluiceProducer } from '../kafka/sluice-producer.ts';
import type { RawMessage, TopicPartition } from '../topics/message-context.ts';
import type { ProcessingStats } from './processing-stats.ts';
import type { BatchResult, Processor } from './processor.ts';

/** How often a batch waiting for state recovery heartbeats. */
const HEARTBEAT_WHILE_WAITING_MS = 3000;

/**
 * Options of a {@link KafkaRunLoop}.
 *
 * @example
 * ```ts
 * const opts: KafkaRunLoopOptions = { consumer, producer, processor, logger, stats, commitInterval: 5000, fromBeginning: false };
 * ```
 */
export interface KafkaRunLoopOptions {
  consumer: Consumer;
  producer: SluiceProducer;
  processor: Processor;
  logger: Logger;
  stats: ProcessingStats;
  /** ms between offset commits. */
  commitInterval: number;
  /** Start from the earliest offset when the group has no committed offset. */
  fromBeginning: boolean;
  onProducerError?: (error: Error) => boolean;
}

/**
 * The thin Kafka driver around a {@link Processor}: kafkajs `eachBatch` feeds it one
 * topic-partition batch at a time, its outputs and then its changelog records are produced (acks
 * -1), and only then are the offsets resolved; they are committed every `commitInterval` and on stop
 * (at-least-once). A bad message stops the loop after committing what came before it.
 *
 * @example
 * ```ts
 * const loop = new KafkaRunLoop({ consumer, producer, processor, logger, stats, commitInterval: 5000, fromBeginning: true });
 * const done = loop.run();
 * // later
 * await loop.stop();
 * await done;
 * ```
 */
export class KafkaRunLoop {
  private readonly pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private readonly assigned = new Set<string>();
  private lastCommit = Date.now();
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private current: Promise<void> = Promise.resolve();
  private starting: Promise<void> = Promise.resolve();
  private commitTimer: NodeJS.Timeout | undefined;
  private assignment: Promise<void> = Promise.resolve();
  private fatal: Error | undefined;
  private finish!: (error?: Error) => void;

  constructor(private readonly o: KafkaRunLoopOptions) {}

  /**
   * Subscribes and runs until {@link stop}; rejects with the error that stopped it, if any.
   *
   * @example
   * ```ts
   * await loop.run();
   * ```
   */
  async run(): Promise<void> {
    const { consumer, processor } = this.o;
    const finished = new Promise<void>((resolve, reject) => {
      this.finish = (e) => (e ? reject(e) : resolve());
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.onJoin(payload.memberAssignment));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.failWith(new SluiceError(`the Kafka consumer crashed: ${payload.error.message}`, { cause: payload.error }));
    });
    this.starting = (async () => {
      await consumer.subscribe({ topics: processor.topics, fromBeginning: this.o.fromBeginning });
    // Ticks (idle window closing) run between batches, once a second.
    const ticker = setInterval(() => {
      if (this.stopping) return clearInterval(ticker);
      this.current = this.current.then(() => this.assignment).then(() => this.tick()).catch(() => undefined);
    }, 1000);
    ticker.unref();
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => {
          const run = this.current.then(() => this.eachBatch(payload));
          this.current = run.catch(() => undefined);
          return run;
        },
      });
    })();
    try {
      await this.starting;
    } catch (e) {
      if (!this.stopping) this.failWith(e as Error);
    }
    if (this.stopping) return finished;
    // Commit also while no batch arrives, so an idle app does not sit on uncommitted offsets.
    this.commitTimer = setInterval(() => {
      if (this.stopping || this.pending.size === 0 || Date.now() - this.lastCommit < this.o.commitInterval) return;
      const commit = this.current.then(() => (this.stopping ? undefined : this.commit(undefined)));
      this.current = commit.catch((e) => this.o.logger.warn({ err: e }, 'offset commit failed; will retry'));
    }, this.o.commitInterval);
    this.commitTimer.unref();
    return finished;
  }

  /**
   * Finishes the in-flight batch, commits processed offsets, leaves the group and disconnects.
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
      await this.starting.catch(() => undefined);
      await this.current;
      try {
        await this.commit(undefined);
      } catch (e) {
        this.o.logger.warn({ err: e }, 'could not commit offsets on stop; the next run may reprocess some messages');
      }
      await this.o.consumer.disconnect().catch((e) => this.o.logger.warn({ err: e }, 'consumer disconnect failed'));
      this.finish(this.fatal);
    })();
    return this.stopped;
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    const result = this.o.processor.tick();
    if (result.error) {
      this.failWith(result.error);
      return;
    }
    await this.send(result).catch((e: Error) => {
      if (!this.o.onProducerError?.(e)) this.failWith(new SluiceError(`producing idle-closed window results failed: ${e.message}`, { cause: e }));
      else this.o.processor.delivered(result);
    });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (this.stopping || !isRunning() || isStale() || batch.messages.length === 0) return;
    await this.awaitHeartbeating(this.assignment, heartbeat);
    const messages: RawMessage[] = batch.messages.map((m) => ({
      key: m.key,
      value: m.value,
      headers: m.headers as RawMessage['headers'],
      timestamp: Number(m.timestamp),
      offset: Number(m.offset),
    }));
    let result;
    try {
      result = this.o.processor.process({ topic: batch.topic, partition: batch.partition, messages });
    } catch (e) {
      this.failWith(e as Error);
      return;
    }
    try {
      await this.send(result);
    } catch (e) {
      if (!this.o.onProducerError?.(e as Error)) {
        this.failWith(new SluiceError(`producing the results of topic '${batch.topic}' partition ${batch.partition} failed: ${(e as Error).message}`, { cause: e }));
        return;
      }
      this.o.stats.ignoredProducerErrors++;
      this.o.logger.warn({ err: e, topic: batch.topic, partition: batch.partition }, 'ignored a failed produce');
      this.o.processor.delivered(result);
    }
    if (result.lastProcessedOffset >= 0) {
      resolveOffset(String(result.lastProcessedOffset));
      this.pending.set(`${batch.topic}:${batch.partition}`, {
        topic: batch.topic,
        partition: batch.partition,
        offset: String(result.lastProcessedOffset + 1),
      });
    }
    if (result.error) {
      this.o.logger.error({ err: result.error }, 'stopping: a message could not be processed');
      this.failWith(result.error);
      return;
    }
    try {
      await heartbeat();
    } catch (e) {
      // The group is rebalancing: commit what this member processed while its generation is still
      // valid (as a Java consumer does when partitions are revoked), then let kafkajs rejoin.
      if ((e as { type?: string }).type === 'REBALANCE_IN_PROGRESS') {
        await this.commit(payload).catch((ce) => this.o.logger.warn({ err: ce }, 'offset commit before rebalance failed'));
      }
      throw e;
    }
    if (Date.now() - this.lastCommit >= this.o.commitInterval) {
      await this.commit(payload).catch((e) => this.o.logger.warn({ err: e }, 'offset commit failed; will retry'));
    }
  }

  /**
   * Waits for `work` (opening and restoring state stores), heartbeating meanwhile so that a restore
   * longer than the session timeout does not cost this member its partitions.
   */
  private async awaitHeartbeating(work: Promise<void>, heartbeat: () => Promise<void>): Promise<void> {
    let done = false;
    const finished = work.finally(() => {
      done = true;
    });
    while (!done) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise((r) => (timer = setTimeout(r, HEARTBEAT_WHILE_WAITING_MS)))]);
      clearTimeout(timer);
      if (!done) await heartbeat();
    }
  }

  /**
   * Outputs first, then the state changes that mark their inputs as processed (see BatchResult);
   * once both are acknowledged the processor's state commits its checkpoint.
   */
  private async send(result: BatchResult): Promise<void> {
    await this.o.producer.sendRecords(result.produced);
    await this.o.producer.sendRecords(result.changelog);
    this.o.processor.delivered(result);
  }

  private async commit(payload: EachBatchPayload | undefined): Promise<void> {
    this.lastCommit = Date.now();
    if (this.pending.size === 0) return;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    try {
      if (payload) {
        await payload.commitOffsetsIfNecessary({
          topics: offsets.map((o) => ({ topic: o.topic, partitions: [{ partition: o.partition, offset: o.offset }] })),
        });
      } else {
        await this.o.consumer.commitOffsets(offsets);
      }
      this.o.logger.debug({ offsets }, 'committed offsets');
    } catch (e) {
      for (const o of offsets) {
        const key = `${o.topic}:${o.partition}`;
        if (!this.pending.has(key) && this.assigned.has(key)) this.pending.set(key, o);
      }
      throw e;
    }
  }

  private onJoin(memberAssignment: Record<string, number[]>): void {
    const now = new Set<string>();
    const added: TopicPartition[] = [];
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      for (const partition of partitions) {
        const key = `${topic}:${partition}`;
        now.add(key);
        if (!this.assigned.has(key)) added.push({ topic, partition });
      }
    }
    const removed: TopicPartition[] = [];
    for (const key of this.assigned) {
      if (now.has(key)) continue;
      const i = key.lastIndexOf(':');
      removed.push({ topic: key.slice(0, i), partition: Number(key.slice(i + 1)) });
      this.pending.delete(key);
    }
    this.assigned.clear();
    for (const key of now) this.assigned.add(key);
    this.o.logger.info({ assigned: [...now] }, 'partitions assigned');
    this.assignment = this.assignment
      .then(async () => {
        if (removed.length) await this.o.processor.revoke(removed);
        if (added.length) await this.o.processor.assign(added);
      })
      .catch((e) => this.failWith(e as Error));
  }

  private failWith(error: Error): void {
    this.fatal ??= error;
    setImmediate(() => void this.stop());
  }
}

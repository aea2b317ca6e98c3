import type { Logger } from 'pino';
import { SluiceError } from '../errors.ts';
import type { CommitOffset, GroupConsumer } from '../kafka/group-consumer.ts';
import type { RecordProducer } from '../kafka/record-producer.ts';
import type { TopicPartition } from '../topics/message-context.ts';
import type { Checkpoint, CheckpointParticipant } from './checkpoint.ts';
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
  processor: Pick<Processor, 'delivered'>;
  logger: Logger;
  /** `ignoredProducerErrors` is counted here. */
  stats: ProcessingStats;
  /** Flushed at every checkpoint before state and offsets commit (sinks). */
  participants?: readonly CheckpointParticipant[];
  /** Return true to go on past records that could not be delivered (they are lost); default: stop. */
  onProducerError?: (error: Error) => boolean;
}

/**
 * The at-least-once {@link Checkpoint}: outputs, then sinks, then changelogs and local state, then
 * offsets. Each added result is delivered before `add` resolves (outputs acknowledged, sinks
 * flushed, changelog acknowledged, state committed); `commit` commits the offsets of what was
 * delivered.
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

  constructor(private readonly o: AtLeastOnceCheckpointOptions) {}

  get pending(): boolean {
    return this.offsets.size > 0;
  }

  async add(result: BatchResult, source?: TopicPartition): Promise<void> {
    try {
      await this.o.producer.send(result.produced);
      if (source) for (const p of this.o.participants ?? []) await p.flush([source]);
      await this.o.producer.send(result.changelog);
    } catch (e) {
      const what = source ? `the results of topic '${source.topic}' partition ${source.partition}` : 'the records of idle-closed windows';
      if (!this.o.onProducerError?.(e as Error)) throw new SluiceError(`producing ${what} failed: ${(e as Error).message}`, { cause: e });
      this.o.stats.ignoredProducerErrors++;
      this.o.logger.warn({ err: e, ...source }, 'ignored a failed produce');
    }
    this.o.processor.delivered(result);
    if (source && result.lastProcessedOffset >= 0) {
      this.offsets.set(`${source.topic}:${source.partition}`, { topic: source.topic, partition: source.partition, offset: result.lastProcessedOffset + 1 });
    }
  }

  async commit(): Promise<void> {
    const offsets = [...this.offsets.values()];
    const partitions = offsets.map(({ topic, partition }) => ({ topic, partition }));
    if (partitions.length > 0) for (const p of this.o.participants ?? []) await p.flush(partitions);
    if (offsets.length === 0) return;
    this.offsets.clear();
    this.revokedDuringCommit = new Set();
    try {
      await this.o.consumer.commit(offsets);
      this.o.logger.debug({ offsets }, 'committed offsets');
    } catch (e) {
      for (const o of offsets) {
        const key = `${o.topic}:${o.partition}`;
        if (!this.offsets.has(key) && !this.revokedDuringCommit.has(key)) this.offsets.set(key, o);
      }
      throw e;
    } finally {
      this.revokedDuringCommit = undefined;
    }
  }

  revoke(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) {
      const key = `${topic}:${partition}`;
      this.offsets.delete(key);
      this.revokedDuringCommit?.add(key);
    }
  }
}

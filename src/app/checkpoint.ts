import type { TopicPartition } from '../topics/message-context.ts';
import type { BatchResult } from './processor.ts';

/**
 * Something outside Kafka that buffers what the pipeline wrote (a sink) and must make it durable
 * at every checkpoint, before the consumer offsets are committed.
 *
 * @example
 * ```ts
 * const csv: CheckpointParticipant = { flush: async (partitions) => { await file.sync(); } };
 * ```
 */
export interface CheckpointParticipant {
  /**
   * Makes durable everything written for rows of these input partitions; a rejection fails the
   * checkpoint (nothing of it is committed).
   */
  flush(partitions: readonly TopicPartition[]): Promise<void>;
}

/**
 * What the run loop has processed since offsets were last committed, and how it becomes durable.
 * The run loop hands every processed batch (and tick) to {@link Checkpoint.add} and calls
 * {@link Checkpoint.commit} every `commitInterval`, before a rebalance takes partitions away, and
 * on stop. Implementations: `AtLeastOnceCheckpoint`; the exactly-once one puts the same steps in
 * one Kafka transaction.
 *
 * @example
 * ```ts
 * const result = processor.process(batch);
 * await checkpoint.add(result, { topic: batch.topic, partition: batch.partition });
 * if (Date.now() - lastCommit > commitInterval) await checkpoint.commit();
 * ```
 */
export interface Checkpoint {
  /**
   * Takes the result of one processed batch of `source` (without `source`: of a tick, which
   * consumed nothing). Its `produced` records go to the producer now; its offset
   * (`lastProcessedOffset + 1`) is committed by a later {@link commit}.
   *
   * Resolves when the run loop may process the next batch (an implementation may run the steps of
   * {@link commit} up to step 3 for this result before resolving: state stores accept the next
   * batch of a partition only once the previous one's state is committed). Rejects when the
   * records could not be delivered and the app's `onProducerError` did not choose to go on; the
   * run loop then stops without committing the batch.
   */
  add(result: BatchResult, source?: TopicPartition): Promise<void>;
  /**
   * Makes everything added so far durable, in this order, each step only after the one before it
   * succeeded:
   *
   * 1. the `produced` records of every added result are acknowledged (acks from all in-sync replicas);
   * 2. every {@link CheckpointParticipant} (sinks) is flushed;
   * 3. the `changelog` records are produced and acknowledged, then `processor.delivered(result)`
   *    commits the state stores locally. A changelog record marks its input as processed — a
   *    replay skips that input in stateful steps, which then emit nothing for it — so everything
   *    the input produced (topics, sinks) must be durable before;
   * 4. the consumer offsets (`lastProcessedOffset + 1` per partition) are committed for the
   *    group's current generation.
   *
   * A failure in any step leaves the offsets uncommitted (they are kept for the next commit while
   * the partitions stay assigned), so a restart reprocesses from the last commit: at-least-once.
   * The transactional variant produces steps 1, 3 and 4 inside one Kafka transaction (offsets with
   * `sendOffsets`), flushes sinks before committing it, and calls `processor.delivered` only after
   * the transaction committed.
   */
  commit(): Promise<void>;
  /** Whether something was added since the last successful {@link commit}. */
  readonly pending: boolean;
  /** Forgets the offsets of partitions this member no longer owns: they are never committed by it. */
  revoke(partitions: readonly TopicPartition[]): void;
}

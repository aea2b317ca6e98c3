import type { CommitOffset } from '../kafka/group-consumer.ts';
import type { OutgoingRecord, TopicPartition } from '../topics/message-context.ts';
import type { BatchResult } from './processor.ts';

/**
 * Something outside Kafka that buffers what the pipeline wrote (a sink) and must make it durable
 * at every checkpoint, before the consumer offsets are committed. Every `Sink` is one.
 *
 * @example
 * ```ts
 * const csv: CheckpointParticipant = { flush: async () => { await file.sync(); }, discard: () => buffer.clear() };
 * ```
 */
export interface CheckpointParticipant {
  /**
   * Makes durable everything buffered for rows of these input partitions (of every partition when
   * omitted). A rejection fails the checkpoint (nothing of it is committed), except a
   * `SinkBackpressureError`: its partitions are paused, rewound and resumed later.
   */
  flush(partitions?: readonly TopicPartition[]): Promise<void>;
  /** Drops what is buffered for these partitions: their rows will be read (and added) again. */
  discard(partitions: readonly TopicPartition[]): void;
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
   * batch of a partition only once the previous one's state is committed; the at-least-once one
   * then flushes the sinks before the outputs, so a sink failure leaves no output to repeat). Rejects when the
   * records could not be delivered and the app's `onProducerError` did not choose to go on; the
   * run loop then stops without committing the batch. Rejects with a
   * `SinkBackpressureError` when a participant flushed with the result asked to pause: the result
   * is then not delivered, and the run loop pauses and {@link rewind}s its partitions.
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
   * (For a stateful processor the at-least-once checkpoint runs step 2 before step 1 for each
   * result, see {@link add}.)
   *
   * A participant that asks for backpressure in step 2 (a `SinkBackpressureError`) does not fail
   * the checkpoint: the other partitions are committed, then `commit` rejects with a
   * SinkBackpressureError naming the partitions not written; the caller pauses them and calls
   * {@link rewind}. Any other failure of a participant (a `SinkError`) is final: this and every
   * later `commit` and `add` reject with it (the app stops; a restart writes the rows again).
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
  /**
   * Forgets the offsets of partitions this member no longer owns: they are never committed by it,
   * and the participants drop what they buffered for them.
   */
  revoke(partitions: readonly TopicPartition[]): void;
  /**
   * After backpressure: forgets what was added for `partitions` and not yet written by the
   * participants (offsets not committed, rows the participants buffered), and returns, per
   * partition where it knows it, the offset from which reading again writes every row once — the
   * offset after the last row the participants made durable. For a partition not in the answer
   * nothing was written since it was assigned: read again from the first offset processed since.
   * The caller must also drop the uncommitted state of the partitions (revoke and assign them).
   */
  rewind(partitions: readonly TopicPartition[]): CommitOffset[];
  /**
   * Takes the member's whole assignment after every (re)join, before the processor opens state for
   * the new partitions; resolves with assigned partitions whose state must be reopened (rebuilt
   * from the changelog) because another owner may have moved it on. Optional.
   */
  assign?(partitions: readonly TopicPartition[]): Promise<TopicPartition[]>;
  /**
   * The lowest offset of a batch of `source` (starting at `firstOffset`) to process; messages
   * below it are skipped (Infinity: the whole batch). Optional: all messages are processed.
   */
  admit?(source: TopicPartition, firstOffset: number): number;
  /** Releases what the checkpoint holds (producers), after the last commit. Optional. */
  close?(): Promise<void>;
}

/**
 * State stores as an exactly-once checkpoint commits them: per input partition, the changelog
 * records go into the partition's Kafka transaction and the stores commit locally only after it
 * committed (`transactionalStateOf(stateManager)`).
 *
 * @example
 * ```ts
 * const changelog = state.prepare(partitions); // into the transaction
 * await tx.commit();
 * state.commit(partitions);
 * ```
 */
export interface TransactionalState {
  /** The changelog records of everything processed for `partitions` since their last commit. */
  prepare(partitions: readonly TopicPartition[]): OutgoingRecord[];
  /** Commits the prepared state of `partitions` locally (their transaction committed). */
  commit(partitions: readonly TopicPartition[]): void;
  /** Drops the uncommitted state of `partitions` (their transaction was aborted or fenced). */
  discard(partitions: readonly TopicPartition[]): void;
}

import type { TopicPartition } from '../topics/message-context.ts';
import type { BatchResult, InputBatch } from './processor.ts';

/**
 * Callbacks a Processor calls around its work — how a StateManager (or anything that keeps
 * per-partition resources) plugs in. All are optional. `beforeBatch`/`afterBatch` are synchronous
 * (the batch is processed synchronously); `onAssign`/`onRevoke` may return a promise, which the run
 * loop awaits before the next batch of those partitions (assign) / before giving them up (revoke).
 * `afterBatch` sees the result before its records are produced; `afterDelivery` runs once they are
 * acknowledged, and the run loop commits offsets only after that.
 *
 * @example
 * ```ts
 * processor.addHooks({
 *   beforeBatch: (topic, partition) => state.begin(topic, partition),
 *   afterBatch: (batch, result) => state.end(batch.topic, batch.partition, result.lastProcessedOffset),
 *   onAssign: (tps) => Promise.all(tps.map((tp) => state.assign(tp.topic, tp.partition))),
 *   onRevoke: (tps) => Promise.all(tps.map((tp) => state.revoke(tp.topic, tp.partition))),
 * });
 * ```
 */
export interface ProcessingHooks {
  beforeBatch?(topic: string, partition: number): void;
  afterBatch?(batch: InputBatch, result: BatchResult): void;
  onAssign?(partitions: TopicPartition[]): void | Promise<unknown>;
  onRevoke?(partitions: TopicPartition[]): void | Promise<unknown>;
  /** After `processor.tick()` (idle window closing), before its records are produced. */
  afterTick?(result: BatchResult): void;
  /**
   * After the records of a batch or tick result (`produced`, then `changelog`) are acknowledged
   * by the broker — where state is made durable; see `processor.delivered()`.
   */
  afterDelivery?(result: BatchResult): void;
}

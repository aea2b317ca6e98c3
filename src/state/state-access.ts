import type { StoreView } from './base/state-store.ts';

/**
 * What stateful operators and windows need from whoever runs the pipeline: the store of the
 * row's topic-partition in the current batch, and whether an input offset is already reflected in
 * stored state (replays after a crash are then skipped). `StateManager` implements it.
 *
 * @example
 * ```ts
 * const view = env.state.view(ctx.topic, ctx.partition, 'default');
 * ```
 */
export interface StateAccess {
  view(topic: string, partition: number, storeName: string): StoreView;
  /** Whether store `storeName` of the partition already reflects input `offset` (a replay: skip it). */
  isProcessed(topic: string, partition: number, offset: number, storeName: string): boolean;
  /** Whether the partition's state can be used now (it is assigned to this instance). */
  isAssigned(topic: string, partition: number): boolean;
  /** The partitions of `topic` whose stores are open on this instance. */
  assignedPartitions(topic: string): number[];
  /** Records a record at event time `timestamp`; returns the partition's event time (for TTL). */
  observe(topic: string, partition: number, timestamp: number): number;
  /** A point to roll the partition's state back to before a row runs. */
  savepoint(topic: string, partition: number): number;
  /** Undoes the partition's state writes since `savepoint` (the row failed or was skipped). */
  rollback(topic: string, partition: number, savepoint: number): void;
}

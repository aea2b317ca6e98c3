import type { SinkStats } from '../sinks/base/sink-stats.ts';

/**
 * Counters an Application (and its Processor) keep while running; read them from `app.stats`.
 *
 * @example
 * ```ts
 * await app.run();
 * console.log(app.stats.processed, app.stats.skippedDeserializationErrors, app.stats.lateRecords, app.stats.restoredRecords);
 * ```
 */
export interface ProcessingStats {
  /** Messages read and run through the pipeline (skipped ones included). */
  processed: number;
  /** Records the pipeline sent to output topics. */
  produced: number;
  /** Messages skipped because onDeserializationError returned true. */
  skippedDeserializationErrors: number;
  /** Messages skipped because onProcessingError returned true. */
  skippedProcessingErrors: number;
  /** Messages written to the dead-letter topic (they failed and no callback skipped them). */
  deadLettered: number;
  /** Produce failures onProducerError chose to ignore. */
  ignoredProducerErrors: number;
  /** Records windows dropped as late: every window they belong to had closed (see `onLate`). */
  lateRecords: number;
  /** Changelog records applied to rebuild state stores on assignment (after a restart, a lost store or a takeover). */
  restoredRecords: number;
  /** Per sink (by name): rows, bytes and batches written, failed attempts, backpressure pauses. */
  sinks: Record<string, SinkStats>;
}

/**
 * A zeroed {@link ProcessingStats}.
 *
 * @example
 * ```ts
 * const stats = emptyStats();
 * ```
 */
export function emptyStats(): ProcessingStats {
  return { processed: 0, produced: 0, skippedDeserializationErrors: 0, skippedProcessingErrors: 0, deadLettered: 0, ignoredProducerErrors: 0, lateRecords: 0, restoredRecords: 0, sinks: {} };
}

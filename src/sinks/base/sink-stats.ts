/**
 * What a sink wrote while the app ran; the app shows each sink's under `app.stats.sinks[name]`.
 *
 * @example
 * ```ts
 * await app.run();
 * const { rows, bytes, batches, errors } = app.stats.sinks.orders_csv;
 * ```
 */
export interface SinkStats {
  /** Rows written (acknowledged by the target). */
  rows: number;
  /** Bytes written, as the sink counts them (encoded CSV, COPY data, ...); 0 when it cannot tell. */
  bytes: number;
  /** Successful writes (one per topic-partition per checkpoint, or more for large batches). */
  batches: number;
  /** Failed write attempts (retried ones included). */
  errors: number;
  /** Times the sink asked to pause (backpressure). */
  backpressured: number;
}

/**
 * Zeroed {@link SinkStats}.
 *
 * @example
 * ```ts
 * readonly stats = emptySinkStats();
 * ```
 */
export function emptySinkStats(): SinkStats {
  return { rows: 0, bytes: 0, batches: 0, errors: 0, backpressured: 0 };
}

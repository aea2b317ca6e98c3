import type { Logger } from 'pino';
import type { CheckpointParticipant } from '../../app/checkpoint.ts';
import type { Row } from '../../dataframe/row.ts';
import type { SinkStats } from './sink-stats.ts';

/**
 * One row a sink receives: the value that reached `sdf.sink(...)` and the context of the message
 * it came from (`ctx.topic`, `ctx.partition`, `ctx.offset`, `ctx.key`, `ctx.timestamp`, `ctx.headers`).
 *
 * @example
 * ```ts
 * const row: SinkRow<{ id: number }> = { value: { id: 1 }, ctx: { key: 'k', timestamp: 0, headers: {}, topic: 'orders', partition: 0, offset: 7 } };
 * ```
 */
export type SinkRow<T = unknown> = Row<T, unknown>;

/**
 * What an app hands a sink when it opens it.
 *
 * @example
 * ```ts
 * await sink.open?.({ logger: app.logger });
 * ```
 */
export interface SinkContext {
  readonly logger: Logger;
}

/**
 * Where a pipeline's rows leave Kafka: a file, a database table, a warehouse. `sdf.sink(sink)`
 * ends a frame with it. Most sinks extend {@link BatchingSink}, which implements everything here
 * but the writing of one batch.
 *
 * The checkpoint contract (at-least-once): `add` only buffers. At every checkpoint the app calls
 * `flush` for the partitions whose offsets it is about to commit, after their Kafka outputs are
 * acknowledged and before state and offsets are committed; the offsets are committed only if
 * `flush` resolved. So a row is written at least once: a failed `flush` stops the app without
 * committing, and the next run reads (and writes) those rows again. A sink that writes
 * idempotently (an upsert on a key) writes each row's effect exactly once.
 *
 * Backpressure: `flush` may reject with a `SinkBackpressureError` (with `retryAfterMs`) to say
 * "not now". The app then pauses the partitions, calls `discard` for them, reads them again from
 * the first offset not written, and resumes after `retryAfterMs`: no row is lost or written twice.
 * Any other rejection is a failure (a `SinkError` that names the sink and says what to check).
 *
 * @example
 * ```ts
 * class ConsoleSink extends BatchingSink<Order> {
 *   protected async write(batch: SinkBatch<Order>): Promise<void> {
 *     for (const row of batch.rows) console.log(batch.topic, batch.partition, row.value);
 *   }
 * }
 * app.dataframe(orders).sink(new ConsoleSink({ name: 'console' }));
 * ```
 */
export interface Sink<T = unknown> extends CheckpointParticipant {
  /** Names the sink in errors, logs and `app.stats.sinks`. */
  readonly name: string;
  /** What it wrote so far (rows, bytes, batches, errors); shown in `app.stats.sinks[name]`. */
  readonly stats?: SinkStats;
  /** Connects, opens files, creates tables: called once by `app.run()` before the first row. */
  open?(context: SinkContext): Promise<void>;
  /** Buffers one row (synchronous, on the hot path: do not write here). */
  add(row: SinkRow<T>): void;
  /** Releases connections and files: called once when the app stops (after the last flush). */
  close?(): Promise<void>;
}

import type { TopicPartition } from '../../topics/message-context.ts';

/**
 * Thrown by a sink's write (or flush) to ask the app to pause: the target is busy (rate limited,
 * queue full) and will take the rows later. Not a failure: the app pauses the partitions, drops
 * what they buffered, reads them again from the first offset not written and resumes after
 * `retryAfterMs` — nothing is lost or written twice.
 *
 * @example
 * ```ts
 * protected async write(batch: SinkBatch<Order>): Promise<void> {
 *   const res = await fetch(url, { method: 'POST', body: JSON.stringify(batch.rows.map((r) => r.value)) });
 *   if (res.status === 429) throw new SinkBackpressureError(Number(res.headers.get('retry-after') ?? 1) * 1000);
 * }
 * ```
 */
export class SinkBackpressureError extends Error {
  /** How long to pause, in ms. */
  readonly retryAfterMs: number;
  /** The partitions whose rows were not written (set by the batching base or the checkpoint; empty = all asked for). */
  readonly partitions: readonly TopicPartition[];
  /** The sink that asked (set by the batching base). */
  readonly sink: string | undefined;

  constructor(retryAfterMs: number, options: { partitions?: readonly TopicPartition[]; sink?: string } = {}) {
    super(`${options.sink ? `sink '${options.sink}'` : 'a sink'} asked to pause for ${retryAfterMs} ms`);
    this.name = 'SinkBackpressureError';
    if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0) throw new RangeError(`retryAfterMs must be a finite number >= 0, got ${retryAfterMs}`);
    this.retryAfterMs = retryAfterMs;
    this.partitions = options.partitions ?? [];
    this.sink = options.sink;
  }
}

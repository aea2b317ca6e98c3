import type { Aggregator } from './aggregations/aggregator.ts';
import { HoppingCountWindow } from './hopping-count-window.ts';

/** Options of {@link TumblingCountWindow}. */
export interface TumblingCountWindowOptions<R> {
  /** Records per window. */
  count: number;
  aggregation: Aggregator<any, any, R>;
  /** Store name; default `tumbling_count_window_<count>_<aggregation label>`. */
  name?: string;
}

/**
 * Consecutive, non-overlapping windows of `count` records per key.
 *
 * @example
 * ```ts
 * const batchesOf10 = new TumblingCountWindow({ count: 10, aggregation: Mean('amount') });
 * ```
 */
export class TumblingCountWindow<R = unknown> extends HoppingCountWindow<R> {
  constructor(options: TumblingCountWindowOptions<R>) {
    super({ ...options, step: options?.count }, `tumbling_count_window_${options?.count}`);
  }
}

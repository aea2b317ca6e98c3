import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import { ConfigError } from '../errors.ts';
import type { Aggregator } from './aggregations/aggregator.ts';
import type { WindowEvent, WindowLogic, WindowOutcome } from './window-types.ts';
import { windowStoreName } from './window-store-name.ts';

/** Options of {@link SlidingCountWindow}. */
export interface SlidingCountWindowOptions<R> {
  /** Records per window. */
  count: number;
  aggregation: Aggregator<any, any, R>;
  /** Store name; default `sliding_count_window_<count>_<aggregation label>`. */
  name?: string;
}

/**
 * The last `count` records of a key, re-aggregated on every record. `.current()` emits it for
 * every record (with fewer records at first); `.final()` emits only full windows of `count`.
 * `start`/`end` are the smallest/largest timestamps in the window.
 *
 * @example
 * ```ts
 * const last5 = new SlidingCountWindow({ count: 5, aggregation: Mean('amount') });
 * ```
 */
export class SlidingCountWindow<R = unknown> implements WindowLogic<R> {
  readonly name: string;
  readonly aggregation: Aggregator<any, any, R>;
  readonly count: number;
  readonly lateCount = 0;

  constructor(options: SlidingCountWindowOptions<R>) {
    if (!Number.isInteger(options?.count) || options.count < 1) {
      throw new ConfigError(`Sliding count window has count ${options?.count}; pass an integer >= 1.`);
    }
    if (typeof options.aggregation?.add !== 'function') throw new ConfigError('Sliding count window needs option "aggregation", e.g. Sum(\'amount\').');
    this.count = options.count;
    this.aggregation = options.aggregation;
    this.name = options.name ?? windowStoreName(`sliding_count_window_${options.count}`, options.aggregation);
  }

  process(key: KeyPart, value: unknown, timestamp: number, store: StoreView): WindowOutcome<R> {
    const agg = this.aggregation;
    const recent = [...((store.get(['c', key]) as Array<[number, unknown]> | undefined) ?? []), [timestamp, value] as [number, unknown]];
    if (recent.length > this.count) recent.shift();
    store.set(['c', key], recent);
    let acc = agg.initial();
    let start = Infinity;
    let end = -Infinity;
    for (const [ts, v] of recent) {
      acc = agg.add(acc, v);
      start = Math.min(start, ts);
      end = Math.max(end, ts);
    }
    const event = { key, start, end, value: agg.result(acc) };
    return { updated: [event], expired: recent.length === this.count ? [event] : [], late: false };
  }

  /** Count windows do not close on idleness. */
  closeAll(): WindowEvent<R>[] {
    return [];
  }
}

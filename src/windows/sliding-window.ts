import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import { BaseTimeWindow } from './base-time-window.ts';
import { parsePositiveDuration, type Duration } from './parse-duration.ts';
import type { TimeWindowCommonOptions, WindowEvent } from './window-types.ts';
import type { IndexedWindow } from './window-watermark.ts';

const RECORDS = 'r';

/** Options of {@link SlidingWindow}. */
export interface SlidingWindowOptions<R> extends TimeWindowCommonOptions<R> {
  /** How far back from each record the window reaches, e.g. `'1m'`. */
  duration: Duration;
}

/**
 * Windows that end at each record: a record at `t` defines the window `[t - duration, t]` (both
 * ends inclusive) over all records of its key in that range. Each record emits its own window and,
 * when it arrives out of order, every already-defined window that now contains it. The window
 * ending at `t` closes when the watermark passes `t`; raw records are kept (under `['r', key, t]`)
 * only while an open window can still contain them.
 *
 * @example
 * ```ts
 * const w = new SlidingWindow({ duration: '10s', aggregation: Sum() });
 * w.process('k', 5, 20_000, view).updated; // [{ key: 'k', start: 10000, end: 20000, value: 5 }]
 * ```
 */
export class SlidingWindow<R = unknown> extends BaseTimeWindow<R> {
  readonly duration: number;

  constructor(options: SlidingWindowOptions<R>) {
    const duration = parsePositiveDuration(options?.duration, 'duration');
    super(options, `sliding_window_${duration}`);
    this.duration = duration;
  }

  protected isLate(timestamp: number, wm: number): boolean {
    return timestamp < wm;
  }

  protected add(key: KeyPart, value: unknown, timestamp: number, store: StoreView, wm: number): WindowEvent<R>[] {
    const existing = store.get([RECORDS, key, timestamp]) as unknown[] | undefined;
    store.set([RECORDS, key, timestamp], existing ? [...existing, value] : [value]);
    if (!existing) this.index(store, { end: timestamp + 1, key, start: timestamp - this.duration });
    const ends = [timestamp];
    for (const [k] of store.scan([RECORDS, key], { from: timestamp + 1 })) {
      const t = k[2] as number;
      if (t > timestamp + this.duration) break;
      if (t >= wm) ends.push(t);
    }
    return ends.map((end) => this.aggregate(store, key, end));
  }

  protected closeIndexed(store: StoreView, closed: IndexedWindow[], wm: number): WindowEvent<R>[] {
    const events = closed.map(({ key, end }) => this.aggregate(store, key, end - 1));
    const keys = new Set(closed.map((w) => w.key));
    for (const key of keys) {
      const stale: KeyPart[][] = [];
      for (const [k] of store.scan([RECORDS, key])) {
        if ((k[2] as number) >= wm - this.duration) break;
        stale.push(k);
      }
      for (const k of stale) store.delete(k);
    }
    return events;
  }

  private aggregate(store: StoreView, key: KeyPart, end: number): WindowEvent<R> {
    const agg = this.aggregation;
    let acc = agg.initial();
    const start = end - this.duration;
    for (const [k, values] of store.scan([RECORDS, key], { from: start })) {
      if ((k[2] as number) > end) break;
      for (const v of values as unknown[]) acc = agg.add(acc, v);
    }
    return { key, start, end, value: agg.result(acc) };
  }
}

import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import { BaseTimeWindow } from './base-time-window.ts';
import { parsePositiveDuration, type Duration } from './parse-duration.ts';
import type { TimeWindowCommonOptions, WindowEvent } from './window-types.ts';
import type { IndexedWindow } from './window-watermark.ts';

const RECORDS = 'r';
/** `start` of a close-index entry that ends no window but deletes the raw record it is due for. */
const PURGE = -Infinity;

/** Options of {@link SlidingWindow}. */
export interface SlidingWindowOptions<R> extends TimeWindowCommonOptions<R> {
  /** How far back from each record the window reaches, e.g. `'1m'`. */
  duration: Duration;
}

/**
 * Windows that end at each record: a record at `t` defines the window `[t - duration, t]` (both
 * ends inclusive) over all records of its key in that range. Each record emits its own window and,
 * when it arrives out of order, every already-defined window that now contains it. The window
 * ending at `t` closes when the watermark passes `t`. A record is late only when every window
 * that can contain it has closed (`t + duration` < watermark); a record whose own window closed
 * but whose later windows are open updates those (and counts in their final results) without
 * defining a window of its own. Raw records are kept (under `['r', key, t]`) only while an open
 * window can still contain them: each has a purge entry in the close index, due when the
 * watermark passes `t + duration`. Default store name: `sliding_window_<duration ms>_<aggregation label>`.
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

  /** The windows containing `t` end in `[t, t + duration]`; the one ending at `e` is open while `e >= wm`. */
  protected isLate(_key: KeyPart, timestamp: number, wm: number): boolean {
    return timestamp + this.duration < wm;
  }

  protected add(key: KeyPart, value: unknown, timestamp: number, store: StoreView, wm: number): WindowEvent<R>[] {
    const existing = store.get([RECORDS, key, timestamp]) as unknown[] | undefined;
    store.set([RECORDS, key, timestamp], existing ? [...existing, value] : [value]);
    // the record's own window is open (and indexed once) unless the watermark passed it already
    const ownIsOpen = timestamp >= wm;
    if (!existing) {
      if (ownIsOpen) this.index(store, { end: timestamp + 1, key, start: timestamp - this.duration });
      this.index(store, { end: timestamp + this.duration + 1, key, start: PURGE }); // > wm: the record is not late
    }
    const ends = ownIsOpen ? [timestamp] : [];
    for (const [k] of store.scan([RECORDS, key], { from: timestamp + 1 })) {
      const t = k[2] as number;
      if (t > timestamp + this.duration) break;
      if (t >= wm) ends.push(t);
    }
    return ends.map((end) => this.aggregate(store, key, end));
  }

  protected closeIndexed(store: StoreView, closed: IndexedWindow[]): WindowEvent<R>[] {
    // aggregate first: a window closing now may still hold a record whose purge is due now too
    const events: WindowEvent<R>[] = [];
    for (const { key, start, end } of closed) if (start !== PURGE) events.push(this.aggregate(store, key, end - 1));
    for (const { key, start, end } of closed) if (start === PURGE) store.delete([RECORDS, key, end - 1 - this.duration]);
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

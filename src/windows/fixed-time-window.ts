import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import { ConfigError } from '../errors.ts';
import { BaseTimeWindow } from './base-time-window.ts';
import type { TimeWindowCommonOptions, WindowEvent } from './window-types.ts';
import type { IndexedWindow } from './window-watermark.ts';

const WINDOW = 'w';

/**
 * Windows of fixed `size` starting every `step` ms, aligned to the epoch: `[start, start + size)`.
 * A record belongs to every such window containing its timestamp. State per window:
 * `['w', key, start] → accumulator`, plus an entry in the close index.
 */
export abstract class FixedTimeWindow<R> extends BaseTimeWindow<R> {
  readonly size: number;
  readonly step: number;

  protected constructor(options: TimeWindowCommonOptions<R>, size: number, step: number, namePrefix: string) {
    super(options, namePrefix);
    if (!(step > 0) || !(size > 0) || step > size) {
      throw new ConfigError(`Window "${this.name}" has duration ${size} ms and step ${step} ms; both must be > 0 and step <= duration.`);
    }
    this.size = size;
    this.step = step;
  }

  /** Starts of the windows containing `timestamp`, oldest first. */
  windowStarts(timestamp: number): number[] {
    const starts: number[] = [];
    for (let s = Math.floor(timestamp / this.step) * this.step; s > timestamp - this.size; s -= this.step) starts.push(s);
    return starts.reverse();
  }

  protected isLate(_key: KeyPart, timestamp: number, wm: number): boolean {
    // the newest window containing the record ends last
    return Math.floor(timestamp / this.step) * this.step + this.size <= wm;
  }

  protected add(key: KeyPart, value: unknown, timestamp: number, store: StoreView, wm: number): WindowEvent<R>[] {
    const { aggregation: agg, size, step } = this;
    const updated: WindowEvent<R>[] = [];
    // the starts of windowStarts(timestamp), without the array: one window when step === size
    const last = Math.floor(timestamp / step) * step;
    let first = last;
    while (first - step > timestamp - size) first -= step;
    // windows ending at or before wm closed already; a later overlapping one may still be open
    while (first + size <= wm) first += step;
    for (let start = first; start <= last; start += step) {
      const end = start + size;
      const stored = store.get([WINDOW, key, start]);
      if (stored === undefined) this.index(store, { end, key, start });
      const acc = agg.add(stored === undefined ? agg.initial() : stored, value);
      store.set([WINDOW, key, start], acc);
      updated.push({ key, start, end, value: agg.result(acc) });
    }
    return updated;
  }

  protected closeIndexed(store: StoreView, closed: IndexedWindow[]): WindowEvent<R>[] {
    return closed.map(({ key, start, end }) => {
      const acc = store.get([WINDOW, key, start]);
      store.delete([WINDOW, key, start]);
      return { key, start, end, value: this.aggregation.result(acc) };
    });
  }
}

import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import { ConfigError } from '../errors.ts';
import type { Aggregator } from './aggregations/aggregator.ts';
import type { WindowEvent, WindowLogic, WindowOutcome } from './window-types.ts';
import { windowStoreName } from './window-store-name.ts';

/** Options of {@link HoppingCountWindow}. */
export interface HoppingCountWindowOptions<R> {
  /** Records per window. */
  count: number;
  /** A new window starts every `step` records of a key (1 <= step <= count). */
  step: number;
  aggregation: Aggregator<any, any, R>;
  /** Store name; default `hopping_count_window_<count>_<step>_<aggregation label>`. */
  name?: string;
}

interface OpenWindow {
  start: number;
  end: number;
  n: number;
  acc: unknown;
}

interface KeyState {
  seen: number;
  open: OpenWindow[];
}

/**
 * Windows of `count` records per key, a new one starting every `step` records. A window closes
 * (and is emitted by `.final()`) as soon as it holds `count` records. `start`/`end` are the
 * smallest/largest timestamps of its records. Count windows ignore event time, so nothing is late.
 *
 * @example
 * ```ts
 * const w = new HoppingCountWindow({ count: 3, step: 1, aggregation: Sum() });
 * ```
 */
export class HoppingCountWindow<R = unknown> implements WindowLogic<R> {
  readonly name: string;
  readonly aggregation: Aggregator<any, any, R>;
  readonly count: number;
  readonly step: number;
  readonly lateCount = 0;

  /** `namePrefix` replaces `hopping_count_window_<count>_<step>` in the default name (for subclasses). */
  constructor(options: HoppingCountWindowOptions<R>, namePrefix?: string) {
    const { count, step } = options ?? ({} as HoppingCountWindowOptions<R>);
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(step) || step < 1 || step > count) {
      throw new ConfigError(`Count window has count ${count} and step ${step}; pass integers with 1 <= step <= count.`);
    }
    if (typeof options.aggregation?.add !== 'function') throw new ConfigError('Count window needs option "aggregation", e.g. Sum(\'amount\').');
    this.count = count;
    this.step = step;
    this.aggregation = options.aggregation;
    this.name = options.name ?? windowStoreName(namePrefix ?? `hopping_count_window_${count}_${step}`, options.aggregation);
  }

  process(key: KeyPart, value: unknown, timestamp: number, store: StoreView): WindowOutcome<R> {
    const agg = this.aggregation;
    const state = (store.get(['c', key]) as KeyState | undefined) ?? { seen: 0, open: [] };
    if (state.seen % this.step === 0) state.open.push({ start: timestamp, end: timestamp, n: 0, acc: agg.initial() });
    state.seen++;
    const updated: WindowEvent<R>[] = [];
    const expired: WindowEvent<R>[] = [];
    const stillOpen: OpenWindow[] = [];
    for (const w of state.open) {
      const next: OpenWindow = { start: Math.min(w.start, timestamp), end: Math.max(w.end, timestamp), n: w.n + 1, acc: agg.add(w.acc, value) };
      const event = { key, start: next.start, end: next.end, value: agg.result(next.acc) };
      updated.push(event);
      if (next.n >= this.count) expired.push(event);
      else stillOpen.push(next);
    }
    // `seen` only matters modulo step; keep it small
    store.set(['c', key], { seen: state.seen % this.step, open: stillOpen } satisfies KeyState);
    return { updated, expired, late: false };
  }

  /** Count windows do not close on idleness: a partial window is not a result. */
  closeAll(): WindowEvent<R>[] {
    return [];
  }
}

import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import type { Aggregator } from './aggregations/aggregator.ts';

/**
 * One window's aggregate for one message key. `start` is inclusive; `end` is exclusive for
 * tumbling, hopping and session windows, and inclusive for sliding and count windows.
 */
export interface WindowEvent<R = unknown> {
  key: KeyPart;
  start: number;
  end: number;
  value: R;
}

/** What processing one record did: windows it updated, and windows that closed. */
export interface WindowOutcome<R = unknown> {
  updated: WindowEvent<R>[];
  expired: WindowEvent<R>[];
  /** True when the record was too late for every window it belongs to and was dropped. */
  late: boolean;
}

/** A record dropped because every window it belongs to has closed. */
export interface LateRecord {
  key: KeyPart;
  value: unknown;
  timestamp: number;
  /** The partition's watermark (max timestamp seen − grace) when the record arrived. */
  watermark: number;
}

/**
 * The pure logic of a window kind: state lives in the {@link StoreView} passed in (one per
 * partition), so the same instance serves every partition.
 *
 * @example
 * ```ts
 * const window = new TumblingWindow({ duration: '1m', aggregation: Sum('amount') });
 * const { updated, expired } = window.process('user-1', { amount: 5 }, Date.now(), tx.view(window.name));
 * ```
 */
export interface WindowLogic<R = unknown> {
  /** The store name holding this window's state (and naming its changelog). */
  readonly name: string;
  readonly aggregation: Aggregator<any, any, R>;
  /** Adds one record and closes the windows the advanced watermark has passed. */
  process(key: KeyPart, value: unknown, timestamp: number, store: StoreView): WindowOutcome<R>;
  /** Closes every open window of the partition (idle closing); later records for them are late. */
  closeAll(store: StoreView): WindowEvent<R>[];
  /** Records dropped as late so far, over all partitions. */
  readonly lateCount: number;
}

/** Options shared by the time windows. */
export interface TimeWindowCommonOptions<R> {
  /** How values are aggregated, e.g. `Sum('amount')` or `agg({ ... })`. */
  aggregation: Aggregator<any, any, R>;
  /** How long after a window's end (in event time) records are still accepted; default 0. */
  grace?: number | string;
  /**
   * Store name; default the kind, durations and aggregation, e.g. `tumbling_window_60000_sum_amount`
   * (see `windowStoreName`). Two windows with the same name on one input topic are a
   * ConfigError: pass a distinct `name` to one of them.
   */
  name?: string;
  /** Called for every record dropped as late. */
  onLate?: (record: LateRecord) => void;
}

/**
 * The public shape of a window result: `{ start, end, value }`, or `{ start, end, ...aggregates }`
 * for `agg()`.
 *
 * @example
 * ```ts
 * windowResult({ key: 'k', start: 0, end: 60000, value: 42 }, Sum()); // { start: 0, end: 60000, value: 42 }
 * ```
 */
export function windowResult<R>(event: WindowEvent<R>, aggregation: Aggregator<any, any, R>): Record<string, unknown> {
  return aggregation.spread
    ? { start: event.start, end: event.end, ...(event.value as Record<string, unknown>) }
    : { start: event.start, end: event.end, value: event.value };
}

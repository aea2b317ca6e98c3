import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import { ConfigError } from '../errors.ts';
import type { Aggregator } from './aggregations/aggregator.ts';
import { parseDuration } from './parse-duration.ts';
import type { LateRecord, TimeWindowCommonOptions, WindowEvent, WindowLogic, WindowOutcome } from './window-types.ts';
import { advanceWatermark, readWatermark, takeClosedWindows, type IndexedWindow } from './window-watermark.ts';

/**
 * What the time windows share: grace, the per-partition watermark, late-record accounting and
 * closing through the close index. Subclasses say which windows a record touches.
 */
export abstract class BaseTimeWindow<R> implements WindowLogic<R> {
  readonly name: string;
  readonly aggregation: Aggregator<any, any, R>;
  readonly grace: number;
  private readonly onLate: ((record: LateRecord) => void) | undefined;
  private late = 0;

  protected constructor(options: TimeWindowCommonOptions<R>, defaultName: string) {
    if (!options || typeof options.aggregation?.add !== 'function') {
      throw new ConfigError(`Window "${options?.name ?? defaultName}" needs option "aggregation", e.g. Sum('amount') or agg({ ... }).`);
    }
    this.aggregation = options.aggregation;
    this.grace = parseDuration(options.grace ?? 0, 'grace');
    this.name = options.name ?? defaultName;
    this.onLate = options.onLate;
  }

  get lateCount(): number {
    return this.late;
  }

  process(key: KeyPart, value: unknown, timestamp: number, store: StoreView): WindowOutcome<R> {
    const before = readWatermark(store);
    if (this.isLate(timestamp, before.wm)) {
      this.late++;
      this.onLate?.({ key, value, timestamp, watermark: before.wm });
      return { updated: [], expired: [], late: true };
    }
    const updated = this.add(key, value, timestamp, store, before.wm);
    const after = advanceWatermark(store, before, { maxTs: timestamp, wm: timestamp - this.grace });
    const expired = after.wm > before.wm ? this.closeIndexed(store, takeClosedWindows(store, after.wm, before.wm), after.wm) : [];
    return { updated, expired, late: false };
  }

  closeAll(store: StoreView): WindowEvent<R>[] {
    const closed = takeClosedWindows(store, Infinity);
    if (closed.length === 0) return [];
    const lastEnd = closed.reduce((m, w) => Math.max(m, w.end), -Infinity);
    const wm = advanceWatermark(store, readWatermark(store), { wm: lastEnd }).wm;
    return this.closeIndexed(store, closed, wm);
  }

  /** Whether a record at `timestamp` belongs only to windows closed at watermark `wm`. */
  protected abstract isLate(timestamp: number, wm: number): boolean;

  /** Adds the record to its open windows and returns their new values. */
  protected abstract add(key: KeyPart, value: unknown, timestamp: number, store: StoreView, wm: number): WindowEvent<R>[];

  /** Emits and deletes the state of windows taken from the close index; `wm` is the new watermark. */
  protected abstract closeIndexed(store: StoreView, closed: IndexedWindow[], wm: number): WindowEvent<R>[];
}

import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import { ConfigError } from '../errors.ts';
import type { Aggregator } from './aggregations/aggregator.ts';
import { parseDuration } from './parse-duration.ts';
import type { LateRecord, TimeWindowCommonOptions, WindowEvent, WindowLogic, WindowOutcome } from './window-types.ts';
import { advanceWatermark, indexWindow, readWatermark, takeClosedWindows, type IndexedWindow } from './window-watermark.ts';
import { windowStoreName } from './window-store-name.ts';

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
  /** Earliest end of the windows indexed by the record being processed. */
  private indexedFrom = Infinity;

  /** `namePrefix`: the kind and sizes, e.g. `tumbling_window_60000`; see {@link windowStoreName}. */
  protected constructor(options: TimeWindowCommonOptions<R>, namePrefix: string) {
    if (!options || typeof options.aggregation?.add !== 'function') {
      throw new ConfigError(`Window "${options?.name ?? namePrefix}" needs option "aggregation", e.g. Sum('amount') or agg({ ... }).`);
    }
    this.aggregation = options.aggregation;
    this.grace = parseDuration(options.grace ?? 0, 'grace');
    this.name = options.name ?? windowStoreName(namePrefix, options.aggregation);
    this.onLate = options.onLate;
  }

  get lateCount(): number {
    return this.late;
  }

  process(key: KeyPart, value: unknown, timestamp: number, store: StoreView): WindowOutcome<R> {
    const before = readWatermark(store);
    if (this.isLate(key, timestamp, before.wm, store)) {
      this.late++;
      this.onLate?.({ key, value, timestamp, watermark: before.wm });
      return { updated: [], expired: [], late: true };
    }
    this.indexedFrom = Infinity;
    const updated = this.add(key, value, timestamp, store, before.wm);
    const wm = Math.max(before.wm, timestamp - this.grace);
    let nextClose = Math.min(before.nextClose, this.indexedFrom);
    let expired: WindowEvent<R>[] = [];
    if (wm > before.wm && wm >= nextClose) {
      const taken = takeClosedWindows(store, wm, before.wm);
      nextClose = taken.nextClose;
      expired = this.closeIndexed(store, taken.closed, wm);
    }
    advanceWatermark(store, before, { maxTs: timestamp, wm, nextClose });
    return { updated, expired, late: false };
  }

  closeAll(store: StoreView): WindowEvent<R>[] {
    const { closed } = takeClosedWindows(store, Infinity);
    if (closed.length === 0) return [];
    const lastEnd = closed.reduce((m, w) => Math.max(m, w.end), -Infinity);
    const wm = advanceWatermark(store, readWatermark(store), { wm: lastEnd, nextClose: Infinity }).wm;
    return this.closeIndexed(store, closed, wm);
  }

  /**
   * Adds a window to the close index; subclasses call it from {@link add} for every new window,
   * and only for windows still open (`w.end` > the watermark passed to `add`): the index is
   * scanned from the previous watermark on, so an entry ending at or before it would never close.
   */
  protected index(store: StoreView, w: IndexedWindow): void {
    indexWindow(store, w);
    if (w.end < this.indexedFrom) this.indexedFrom = w.end;
  }

  /** Whether a record of `key` at `timestamp` belongs only to windows closed at watermark `wm`. */
  protected abstract isLate(key: KeyPart, timestamp: number, wm: number, store: StoreView): boolean;

  /** Adds the record to its open windows and returns their new values. */
  protected abstract add(key: KeyPart, value: unknown, timestamp: number, store: StoreView, wm: number): WindowEvent<R>[];

  /** Emits and deletes the state of windows taken from the close index; `wm` is the new watermark. */
  protected abstract closeIndexed(store: StoreView, closed: IndexedWindow[], wm: number): WindowEvent<R>[];
}

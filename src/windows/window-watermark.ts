import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';

/** Per-partition event-time progress of one window store. */
export interface Watermark {
  /** Largest record timestamp seen, or undefined before the first record. */
  maxTs: number | undefined;
  /** Windows ending at or before this are closed; -Infinity before the first record. */
  wm: number;
}

const META: KeyPart[] = ['m'];
const INDEX = 'e';

/**
 * Reads the watermark of a window store (`['m'] → [maxTs, wm]`).
 *
 * @example
 * ```ts
 * const { wm } = readWatermark(view);
 * ```
 */
export function readWatermark(store: StoreView): Watermark {
  const stored = store.get(META) as [number, number] | undefined;
  return stored ? { maxTs: stored[0], wm: stored[1] } : { maxTs: undefined, wm: -Infinity };
}

/**
 * Raises the watermark to cover `maxTs` / `wm` (never lowers it) and stores it if it changed.
 *
 * @example
 * ```ts
 * const w = advanceWatermark(view, readWatermark(view), { maxTs: ts, wm: ts - grace });
 * ```
 */
export function advanceWatermark(store: StoreView, current: Watermark, next: { maxTs?: number; wm?: number }): Watermark {
  const maxTs = next.maxTs === undefined ? current.maxTs : Math.max(current.maxTs ?? -Infinity, next.maxTs);
  const wm = next.wm === undefined ? current.wm : Math.max(current.wm, next.wm);
  if (maxTs !== current.maxTs || wm !== current.wm) {
    store.set(META, [maxTs ?? wm, wm]);
  }
  return { maxTs, wm };
}

/** An entry of the close index: the window of `key` starting at `start` closes at `end`. */
export interface IndexedWindow {
  end: number;
  key: KeyPart;
  start: number;
}

/**
 * Adds a window to the close index (`['e', end, key, start]`), kept sorted by end time.
 *
 * @example
 * ```ts
 * indexWindow(view, { end: 60000, key: 'user-1', start: 0 });
 * ```
 */
export function indexWindow(store: StoreView, w: IndexedWindow): void {
  store.set([INDEX, w.end, w.key, w.start], 1);
}

/**
 * Removes a window from the close index.
 *
 * @example
 * ```ts
 * unindexWindow(view, { end: 60000, key: 'user-1', start: 0 });
 * ```
 */
export function unindexWindow(store: StoreView, w: IndexedWindow): void {
  store.delete([INDEX, w.end, w.key, w.start]);
}

/**
 * Removes and returns the indexed windows with `from <= end <= upTo` (all when `upTo` is
 * Infinity), in end, key, start order. Pass the previous watermark as `from`: windows ending at or
 * before it were taken already, and skipping them keeps the scan clear of their deletions.
 *
 * @example
 * ```ts
 * for (const w of takeClosedWindows(view, newWatermark, oldWatermark)) emit(w);
 * ```
 */
export function takeClosedWindows(store: StoreView, upTo: number, from = -Infinity): IndexedWindow[] {
  const closed: IndexedWindow[] = [];
  for (const [key] of store.scan([INDEX], { from })) {
    const end = key[1] as number;
    if (end > upTo) break;
    closed.push({ end, key: key[2], start: key[3] as number });
  }
  for (const w of closed) unindexWindow(store, w);
  return closed;
}

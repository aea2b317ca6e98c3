import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';

/** Per-partition event-time progress of one window store. */
export interface Watermark {
  /** Largest record timestamp seen, or undefined before the first record. */
  maxTs: number | undefined;
  /** Windows ending at or before this are closed; -Infinity before the first record. */
  wm: number;
  /**
   * No indexed window ends before this (a lower bound of the close index; Infinity when it is
   * empty): while the watermark stays below it, nothing can close and the index is not scanned.
   */
  nextClose: number;
}

const META: KeyPart[] = ['m'];
const INDEX = 'e';

/**
 * Reads the watermark of a window store (`['m'] → [maxTs, wm, nextClose]`). Stores written before
 * `nextClose` existed read it as -Infinity, so their first advance scans the index once.
 *
 * @example
 * ```ts
 * const { wm } = readWatermark(view);
 * ```
 */
export function readWatermark(store: StoreView): Watermark {
  const stored = store.get(META) as [number, number, number?] | undefined;
  return stored ? { maxTs: stored[0], wm: stored[1], nextClose: stored[2] ?? -Infinity } : { maxTs: undefined, wm: -Infinity, nextClose: Infinity };
}

/**
 * Raises the watermark to cover `maxTs` / `wm` (never lowers either), sets `nextClose` if given,
 * and stores the result if anything changed.
 *
 * @example
 * ```ts
 * const w = advanceWatermark(view, readWatermark(view), { maxTs: ts, wm: ts - grace });
 * ```
 */
export function advanceWatermark(store: StoreView, current: Watermark, next: { maxTs?: number; wm?: number; nextClose?: number }): Watermark {
  const maxTs = next.maxTs === undefined ? current.maxTs : Math.max(current.maxTs ?? -Infinity, next.maxTs);
  const wm = next.wm === undefined ? current.wm : Math.max(current.wm, next.wm);
  const nextClose = next.nextClose ?? current.nextClose;
  if (maxTs !== current.maxTs || wm !== current.wm || nextClose !== current.nextClose) {
    store.set(META, [maxTs ?? wm, wm, nextClose]);
  }
  return { maxTs, wm, nextClose };
}

/** An entry of the close index: the window of `key` starting at `start` closes at `end`. */
export interface IndexedWindow {
  end: number;
  key: KeyPart;
  start: number;
}

/**
 * Adds a window to the close index (`['e', end, key, start]`), kept sorted by end time. The caller
 * keeps the watermark's `nextClose` at or below `w.end`.
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
 * Removes a window from the close index (`nextClose` stays a valid lower bound).
 *
 * @example
 * ```ts
 * unindexWindow(view, { end: 60000, key: 'user-1', start: 0 });
 * ```
 */
export function unindexWindow(store: StoreView, w: IndexedWindow): void {
  store.delete([INDEX, w.end, w.key, w.start]);
}

/** What {@link takeClosedWindows} removed, and the end of the first window left in the index. */
export interface ClosedWindows {
  closed: IndexedWindow[];
  /** End of the earliest window still indexed, or Infinity when none is. */
  nextClose: number;
}

/**
 * Removes and returns the indexed windows with `from <= end <= upTo` (all when `upTo` is
 * Infinity), in end, key, start order. Pass the previous watermark as `from`: windows ending at or
 * before it were taken already, and skipping them keeps the scan clear of their deletions.
 *
 * @example
 * ```ts
 * const { closed, nextClose } = takeClosedWindows(view, newWatermark, oldWatermark);
 * ```
 */
export function takeClosedWindows(store: StoreView, upTo: number, from = -Infinity): ClosedWindows {
  const closed: IndexedWindow[] = [];
  let nextClose = Infinity;
  for (const [key] of store.scan([INDEX], { from })) {
    const end = key[1] as number;
    if (end > upTo) {
      nextClose = end;
      break;
    }
    closed.push({ end, key: key[2], start: key[3] as number });
  }
  for (const w of closed) unindexWindow(store, w);
  return { closed, nextClose };
}

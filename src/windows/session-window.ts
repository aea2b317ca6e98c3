import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import { ConfigError } from '../errors.ts';
import { BaseTimeWindow } from './base-time-window.ts';
import { parsePositiveDuration, type Duration } from './parse-duration.ts';
import type { TimeWindowCommonOptions, WindowEvent } from './window-types.ts';
import { unindexWindow, type IndexedWindow } from './window-watermark.ts';

const SESSIONS = 's';

/** Options of {@link SessionWindow}. */
export interface SessionWindowOptions<R> extends TimeWindowCommonOptions<R> {
  /** Inactivity gap: records of a key less than `gap` apart share a session, e.g. `'30m'`. */
  gap: Duration;
}

interface Session {
  end: number;
  acc: unknown;
}

/**
 * Per-key sessions of activity: a session spans `[first timestamp, last timestamp + gap)`.
 * A record within `gap` of a session joins it; a record that bridges two sessions merges them
 * (so the aggregation needs `merge`). A session closes when the watermark reaches its end. A
 * record is late when its own session `[t, t + gap)` has ended by the watermark and it joins no
 * open session of its key. Default store name: `session_window_<gap ms>_<aggregation label>`.
 *
 * @example
 * ```ts
 * const sessions = new SessionWindow({ gap: '30m', aggregation: Count() });
 * sessions.process('user-1', click, ts, tx.view(sessions.name));
 * ```
 */
export class SessionWindow<R = unknown> extends BaseTimeWindow<R> {
  readonly gap: number;

  constructor(options: SessionWindowOptions<R>) {
    const gap = parsePositiveDuration(options?.gap, 'gap');
    super(options, `session_window_${gap}`);
    if (typeof this.aggregation.merge !== 'function') {
      throw new ConfigError(`Session window "${this.name}" needs an aggregation with merge (sessions merge when a record bridges them); pass Reduce(init, fn, merge) or a built-in aggregation.`);
    }
    this.gap = gap;
  }

  protected isLate(key: KeyPart, timestamp: number, wm: number, store: StoreView): boolean {
    if (timestamp + this.gap > wm) return false;
    // every stored session is open (ends after wm, so after timestamp): the record joins the
    // earliest one if that starts within `gap` of it
    for (const [k] of store.scan([SESSIONS, key])) return (k[2] as number) >= timestamp + this.gap;
    return true;
  }

  protected add(key: KeyPart, value: unknown, timestamp: number, store: StoreView): WindowEvent<R>[] {
    const agg = this.aggregation;
    let start = timestamp;
    let end = timestamp + this.gap;
    const merged: Array<{ start: number; session: Session }> = [];
    for (const [k, stored] of store.scan([SESSIONS, key])) {
      const session = stored as Session;
      const s = k[2] as number;
      if (s >= timestamp + this.gap) break;
      if (timestamp < session.end) merged.push({ start: s, session });
    }
    // fold in time order (earlier sessions, the record, later sessions) so Collect stays ordered
    const own = agg.add(agg.initial(), value);
    const pieces = [
      ...merged.filter((m) => m.start <= timestamp).map((m) => m.session.acc),
      own,
      ...merged.filter((m) => m.start > timestamp).map((m) => m.session.acc),
    ];
    const acc = pieces.reduce((a, b) => agg.merge!(a, b));
    for (const { start: s, session } of merged) {
      store.delete([SESSIONS, key, s]);
      unindexWindow(store, { end: session.end, key, start: s });
      start = Math.min(start, s);
      end = Math.max(end, session.end);
    }
    store.set([SESSIONS, key, start], { end, acc } satisfies Session);
    this.index(store, { end, key, start });
    return [{ key, start, end, value: agg.result(acc) }];
  }

  protected closeIndexed(store: StoreView, closed: IndexedWindow[]): WindowEvent<R>[] {
    return closed.map(({ key, start, end }) => {
      const session = store.get([SESSIONS, key, start]) as Session;
      store.delete([SESSIONS, key, start]);
      return { key, start, end, value: this.aggregation.result(session.acc) };
    });
  }
}

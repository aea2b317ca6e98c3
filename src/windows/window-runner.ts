import type { KeyPart } from '../state/base/key-codec.ts';
import type { StoreView } from '../state/base/state-store.ts';
import { ConfigError } from '../errors.ts';
import { parsePositiveDuration, type Duration } from './parse-duration.ts';
import { systemClock, type WallClock } from './wall-clock.ts';
import type { WindowEvent, WindowLogic } from './window-types.ts';

/** `current`: emit a window on every update; `final`: emit it once, when it closes. */
export type EmitMode = 'current' | 'final';

/** Options of {@link WindowRunner}. */
export interface WindowRunnerOptions {
  mode: EmitMode;
  /**
   * Only with `final`: close all windows of a partition when no record arrived on it for this
   * long in wall-clock time (so the last windows are emitted when traffic stops).
   */
  idleTimeout?: Duration;
  /** Wall clock for `idleTimeout`; default the system clock. */
  clock?: WallClock;
}

/**
 * The counters a {@link WindowRunner} updates (ProcessingStats has them).
 *
 * @example
 * ```ts
 * runner.useStats(app.stats); // app.stats.lateRecords counts the window's late records
 * ```
 */
export interface WindowStats {
  /** Records dropped because every window they belong to had closed. */
  lateRecords: number;
}

/**
 * Runs a window in an emission mode for many partitions: picks which window events a record
 * emits, counts late records, and tracks per-partition wall-clock activity for idle closing.
 * A partition is tracked from its first record, or from {@link track} (an assigned partition
 * whose stored windows were opened by an earlier run, before this one saw any of its records).
 *
 * @example
 * ```ts
 * const runner = new WindowRunner(new TumblingWindow({ duration: '1m', aggregation: Sum() }), { mode: 'final', idleTimeout: '30s' });
 * const out = runner.process('orders[0]', key, value, ts, tx.view(runner.window.name));
 * for (const partition of runner.idlePartitions()) emit(runner.closeIdle(partition, viewOf(partition)));
 * ```
 */
export class WindowRunner<R = unknown> {
  readonly mode: EmitMode;
  readonly idleTimeout: number | undefined;
  private clock: WallClock;
  private stats: WindowStats | undefined;
  /** Partitions that may have open windows → wall time of their last record (or of {@link track}). */
  private readonly lastActivity = new Map<string, number>();
  /** Every partition seen or tracked since it was last forgotten (idle-closed ones included). */
  private readonly known = new Set<string>();

  constructor(readonly window: WindowLogic<R>, options: WindowRunnerOptions) {
    if (options?.mode !== 'current' && options?.mode !== 'final') {
      throw new ConfigError(`Window "${window.name}" has emit mode ${JSON.stringify(options?.mode)}; use "current" or "final".`);
    }
    if (options.idleTimeout !== undefined && options.mode !== 'final') {
      throw new ConfigError(`Window "${window.name}": idleTimeout only applies to .final() windows.`);
    }
    this.mode = options.mode;
    this.idleTimeout = options.idleTimeout === undefined ? undefined : parsePositiveDuration(options.idleTimeout, 'idleTimeout');
    this.clock = options.clock ?? systemClock;
  }

  /** Uses `clock` for idle tracking from now on (the pipeline's clock, e.g. a TestDriver's). */
  useClock(clock: WallClock): void {
    this.clock = clock;
  }

  /** Counts late records in `stats.lateRecords` from now on (the pipeline's ProcessingStats). */
  useStats(stats: WindowStats): void {
    this.stats = stats;
  }

  /** Processes one record of `partition` and returns the window events to emit. */
  process(partition: string, key: KeyPart, value: unknown, timestamp: number, store: StoreView): WindowEvent<R>[] {
    if (this.idleTimeout !== undefined) {
      this.lastActivity.set(partition, this.clock.now());
      this.known.add(partition);
    }
    const outcome = this.window.process(key, value, timestamp, store);
    if (outcome.late && this.stats) this.stats.lateRecords++;
    return this.mode === 'current' ? outcome.updated : outcome.expired;
  }

  /**
   * Starts idle tracking of an assigned partition this runner has not seen yet (its store may hold
   * windows opened before a restart or a takeover): unless records arrive, it is idle after
   * `idleTimeout` from now. Does nothing for known partitions or without `idleTimeout`.
   */
  track(partition: string): void {
    if (this.idleTimeout === undefined || this.known.has(partition)) return;
    this.known.add(partition);
    this.lastActivity.set(partition, this.clock.now());
  }

  /** Partitions with open windows whose last record is at least `idleTimeout` of wall time old. */
  idlePartitions(): string[] {
    if (this.idleTimeout === undefined) return [];
    const now = this.clock.now();
    return [...this.lastActivity].filter(([, at]) => now - at >= this.idleTimeout!).map(([p]) => p);
  }

  /** Closes and returns every open window of an idle partition (it stays known: no re-tracking). */
  closeIdle(partition: string, store: StoreView): WindowEvent<R>[] {
    this.lastActivity.delete(partition);
    return this.window.closeAll(store);
  }

  /** Forgets a partition (after it was revoked): if it is assigned again, {@link track} counts anew. */
  forget(partition: string): void {
    this.lastActivity.delete(partition);
    this.known.delete(partition);
  }
}

/**
 * The source of wall-clock time for idle window closing; inject a {@link ManualClock} in tests.
 *
 * @example
 * ```ts
 * const clock: WallClock = { now: () => Date.now() };
 * ```
 */
export interface WallClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/**
 * The real clock (`Date.now()`).
 *
 * @example
 * ```ts
 * systemClock.now();
 * ```
 */
export const systemClock: WallClock = Object.freeze({ now: () => Date.now() });

/**
 * A clock that moves only when told to.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(0);
 * clock.advance(5_000);
 * clock.now(); // 5000
 * ```
 */
export class ManualClock implements WallClock {
  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` (>= 0). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance(${ms}): pass a number of milliseconds >= 0.`);
    this.current += ms;
  }
}

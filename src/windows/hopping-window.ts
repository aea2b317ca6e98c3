import { parsePositiveDuration, type Duration } from './parse-duration.ts';
import { FixedTimeWindow } from './fixed-time-window.ts';
import type { TimeWindowCommonOptions } from './window-types.ts';

/** Options of {@link HoppingWindow}. */
export interface HoppingWindowOptions<R> extends TimeWindowCommonOptions<R> {
  /** Window length, e.g. `'1m'`. */
  duration: Duration;
  /** Distance between window starts, at most `duration`, e.g. `'10s'`. */
  step: Duration;
}

/**
 * Overlapping windows of `duration` starting every `step`, aligned to the epoch: a record falls
 * in `duration / step` windows. Closing and lateness work as in {@link TumblingWindow}, per window.
 * Default store name: `hopping_window_<duration ms>_<step ms>_<aggregation label>`.
 *
 * @example
 * ```ts
 * const w = new HoppingWindow({ duration: '1m', step: '20s', aggregation: Count() });
 * w.windowStarts(65_000); // [20000, 40000, 60000]
 * ```
 */
export class HoppingWindow<R = unknown> extends FixedTimeWindow<R> {
  constructor(options: HoppingWindowOptions<R>) {
    const size = parsePositiveDuration(options?.duration, 'duration');
    const step = parsePositiveDuration(options?.step, 'step');
    super(options, size, step, `hopping_window_${size}_${step}`);
  }
}

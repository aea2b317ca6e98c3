import { parsePositiveDuration, type Duration } from './parse-duration.ts';
import { FixedTimeWindow } from './fixed-time-window.ts';
import type { TimeWindowCommonOptions } from './window-types.ts';

/** Options of {@link TumblingWindow}. */
export interface TumblingWindowOptions<R> extends TimeWindowCommonOptions<R> {
  /** Window length, e.g. `'1m'` or `60000`. */
  duration: Duration;
}

/**
 * Back-to-back, non-overlapping windows of `duration`, aligned to the epoch: each record falls in
 * exactly one window `[start, start + duration)`. A window closes when the partition's largest
 * timestamp minus `grace` reaches its end; records for closed windows are late and dropped.
 * Default store name: `tumbling_window_<duration ms>_<aggregation label>`.
 *
 * @example
 * ```ts
 * const perMinute = new TumblingWindow({ duration: '1m', grace: '5s', aggregation: Sum('amount') }); // name 'tumbling_window_60000_sum_amount'
 * const { updated, expired } = perMinute.process('p-1', { amount: 10 }, ts, tx.view(perMinute.name));
 * ```
 */
export class TumblingWindow<R = unknown> extends FixedTimeWindow<R> {
  constructor(options: TumblingWindowOptions<R>) {
    const size = parsePositiveDuration(options?.duration, 'duration');
    super(options, size, size, `tumbling_window_${size}`);
  }
}

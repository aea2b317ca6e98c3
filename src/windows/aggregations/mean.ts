import { aggregationLabel, numberOf, type Aggregator } from './aggregator.ts';

/**
 * The arithmetic mean of the values (or their `field`).
 *
 * @example
 * ```ts
 * sdf.hoppingWindow({ duration: '1m', step: '10s' }).agg({ avg: Mean('amount') }).current();
 * ```
 */
export function Mean(field?: string): Aggregator<unknown, [sum: number, count: number], number> {
  return {
    label: aggregationLabel('mean', field),
    initial: () => [0, 0],
    add: ([sum, count], value) => [sum + numberOf(value, field), count + 1],
    merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
    result: ([sum, count]) => (count === 0 ? 0 : sum / count),
  };
}

import { aggregationLabel, numberOf, type Aggregator } from './aggregator.ts';

/**
 * Sums the values (or their `field`).
 *
 * @example
 * ```ts
 * sdf.tumblingWindow({ duration: '1m' }).agg({ revenue: Sum('amount') }).final();
 * ```
 */
export function Sum(field?: string): Aggregator<unknown, number, number> {
  return {
    label: aggregationLabel('sum', field),
    initial: () => 0,
    add: (acc, value) => acc + numberOf(value, field),
    merge: (a, b) => a + b,
    result: (acc) => acc,
  };
}

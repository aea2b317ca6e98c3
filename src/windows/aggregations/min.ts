import { aggregationLabel, numberOf, type Aggregator } from './aggregator.ts';

/**
 * The smallest of the values (or their `field`); null for a window without values.
 *
 * @example
 * ```ts
 * sdf.tumblingWindow({ duration: '1h' }).agg({ min: Min('amount') }).final();
 * ```
 */
export function Min(field?: string): Aggregator<unknown, number | null, number | null> {
  return {
    label: aggregationLabel('min', field),
    initial: () => null,
    add: (acc, value) => {
      const v = numberOf(value, field);
      return acc === null ? v : Math.min(acc, v);
    },
    merge: (a, b) => (a === null ? b : b === null ? a : Math.min(a, b)),
    result: (acc) => acc,
  };
}

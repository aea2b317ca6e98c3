import { aggregationLabel, numberOf, type Aggregator } from './aggregator.ts';

/**
 * The largest of the values (or their `field`); null for a window without values.
 *
 * @example
 * ```ts
 * sdf.tumblingWindow({ duration: '1h' }).agg({ max: Max('amount') }).final();
 * ```
 */
export function Max(field?: string): Aggregator<unknown, number | null, number | null> {
  return {
    label: aggregationLabel('max', field),
    initial: () => null,
    add: (acc, value) => {
      const v = numberOf(value, field);
      return acc === null ? v : Math.max(acc, v);
    },
    merge: (a, b) => (a === null ? b : b === null ? a : Math.max(a, b)),
    result: (acc) => acc,
  };
}

import type { Aggregator } from './aggregator.ts';

/**
 * Counts the values.
 *
 * @example
 * ```ts
 * sdf.tumblingWindow({ duration: '1m' }).agg({ orders: Count() }).final();
 * ```
 */
export function Count(): Aggregator<unknown, number, number> {
  return {
    label: 'count',
    initial: () => 0,
    add: (acc) => acc + 1,
    merge: (a, b) => a + b,
    result: (acc) => acc,
  };
}

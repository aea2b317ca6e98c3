import { aggregationLabel, pick, type Aggregator } from './aggregator.ts';

/**
 * Collects the values (or their `field`) of a window into an array, in arrival order.
 *
 * @example
 * ```ts
 * sdf.sessionWindow({ gap: '30m' }).collect().final(); // { start, end, value: [...] }
 * ```
 */
export function Collect<R = unknown>(field?: string): Aggregator<unknown, R[], R[]> {
  return {
    label: aggregationLabel('collect', field),
    initial: () => [],
    add: (acc, value) => [...acc, pick(value, field) as R],
    merge: (a, b) => [...a, ...b],
    result: (acc) => acc,
  };
}

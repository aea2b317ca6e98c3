// Summary statistics of repeated measurements.

/** Median, min, max and the raw values of a series of runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
  values: number[];
}

/**
 * Summarises repeated measurements (the median is the figure reported).
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]); // { median: 2, min: 1, max: 3, runs: 3, values: [3, 1, 2] }
 * ```
 */
export function summarize(values: number[]): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, runs: 0, values: [] };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: values.length, values };
}

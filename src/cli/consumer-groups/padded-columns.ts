/**
 * Formats one line of a table the way Kafka's Java tools do with `printf("%-Ns %-Ns ... %s")`:
 * each value left-aligned in its column width (never cut), columns joined by one space; a width
 * of 0 leaves the value as it is (the last column).
 *
 * @example
 * ```ts
 * paddedColumns(['GROUP', 'TOPIC', 'PARTITION'], [15, 15, 0]); // 'GROUP           TOPIC           PARTITION'
 * ```
 */
export function paddedColumns(values: readonly (string | number)[], widths: readonly number[]): string {
  return values.map((v, i) => String(v).padEnd(widths[i] ?? 0)).join(' ');
}

/**
 * The width Kafka's tools give a column: the longest value, at least `min`.
 *
 * @example
 * ```ts
 * columnWidth(['g', 'a-long-group-name-here'], 15); // 21
 * ```
 */
export function columnWidth(values: Iterable<string>, min: number): number {
  let width = min;
  for (const v of values) width = Math.max(width, v.length);
  return width;
}

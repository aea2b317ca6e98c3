/**
 * How a window folds values: an accumulator starts at `initial()`, takes each value with `add`,
 * and becomes the emitted value with `result`. `merge` joins two accumulators (session windows
 * need it when a record bridges two sessions). Accumulators are stored in state, so they must be
 * JSON-serialisable, and `add`/`merge` must not mutate their arguments.
 *
 * @example
 * ```ts
 * const countEven: Aggregator<number, number, number> = {
 *   label: 'count_even', // default window store names end in it
 *   initial: () => 0,
 *   add: (acc, v) => (v % 2 === 0 ? acc + 1 : acc),
 *   merge: (a, b) => a + b,
 *   result: (acc) => acc,
 * };
 * ```
 */
export interface Aggregator<V = any, A = any, R = any> {
  initial(): A;
  add(acc: A, value: V): A;
  merge?(a: A, b: A): A;
  result(acc: A): R;
  /** True for {@link agg}: results are spread into the window result instead of under `value`. */
  readonly spread?: boolean;
  /**
   * What it computes, for default window store names (`sum_amount` → `tumbling_window_60000_sum_amount`):
   * letters, digits, `_`, `-` and `.` (it becomes part of a changelog topic name). Without one the
   * window's default name says `custom`.
   */
  readonly label?: string;
}

/**
 * The {@link Aggregator.label} of a built-in aggregation: its kind, then its field if any
 * (characters other than letters, digits and `_` become `_`).
 *
 * @example
 * ```ts
 * aggregationLabel('sum', 'amount'); // 'sum_amount'
 * aggregationLabel('count');         // 'count'
 * ```
 */
export function aggregationLabel(kind: string, field?: string): string {
  return field === undefined ? kind : `${kind}_${labelSafe(field)}`;
}

/**
 * `text` with every character other than letters, digits and `_` replaced by `_`, so it can be
 * part of a store (and changelog topic) name.
 *
 * @example
 * ```ts
 * labelSafe('unit price'); // 'unit_price'
 * ```
 */
export function labelSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * Reads `field` of `value`, or `value` itself when no field is given.
 *
 * @example
 * ```ts
 * pick({ amount: 3 }, 'amount'); // 3
 * pick(7);                       // 7
 * ```
 */
export function pick(value: unknown, field?: string): unknown {
  return field === undefined ? value : (value as Record<string, unknown> | null | undefined)?.[field];
}

/**
 * Reads a number from `value` (or its `field`); non-numbers count as NaN so mistakes are visible.
 *
 * @example
 * ```ts
 * numberOf({ amount: '3' }, 'amount'); // NaN
 * ```
 */
export function numberOf(value: unknown, field?: string): number {
  const v = pick(value, field);
  return typeof v === 'number' ? v : Number.NaN;
}

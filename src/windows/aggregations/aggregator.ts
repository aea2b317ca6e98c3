/**
 * How a window folds values: an accumulator starts at `initial()`, takes each value with `add`,
 * and becomes the emitted value with `result`. `merge` joins two accumulators (session windows
 * need it when a record bridges two sessions). Accumulators are stored in state, so they must be
 * JSON-serialisable, and `add`/`merge` must not mutate their arguments.
 *
 * @example
 * ```ts
 * const countEven: Aggregator<number, number, number> = {
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

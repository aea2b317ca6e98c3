import type { Aggregator } from './aggregator.ts';

/**
 * Folds values with `fn` starting from `init` (copied per window). Session windows also need
 * `merge` to join two partial results when a record bridges two sessions.
 *
 * @example
 * ```ts
 * const longest = Reduce('', (acc: string, v: { text: string }) => (v.text.length > acc.length ? v.text : acc));
 * sdf.tumblingWindow({ duration: '1m' }).agg({ longest }).final();
 * ```
 */
export function Reduce<V, A>(init: A, fn: (acc: A, value: V) => A, merge?: (a: A, b: A) => A): Aggregator<V, A, A> {
  return {
    label: 'reduce',
    initial: () => structuredClone(init),
    add: fn,
    ...(merge ? { merge } : {}),
    result: (acc) => acc,
  };
}

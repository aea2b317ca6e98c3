import type { Aggregator } from './aggregator.ts';

type Spec = Record<string, Aggregator>;
type ResultOf<S extends Spec> = { [K in keyof S]: S[K] extends Aggregator<any, any, infer R> ? R : never };

/**
 * Runs several aggregations over the same window; the window result carries each under its name
 * next to `start` and `end`.
 *
 * @example
 * ```ts
 * sdf.tumblingWindow({ duration: '1m' })
 *   .agg({ revenue: Sum('amount'), orders: Count(), avg: Mean('amount') })
 *   .final(); // { start, end, revenue, orders, avg }
 * ```
 */
export function agg<S extends Spec>(spec: S): Aggregator<unknown, Record<string, unknown>, ResultOf<S>> {
  const names = Object.keys(spec);
  const canMerge = names.every((n) => typeof spec[n].merge === 'function');
  const map = (f: (name: string, a: Aggregator) => unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const name of names) out[name] = f(name, spec[name]);
    return out;
  };
  return {
    spread: true,
    initial: () => map((_, a) => a.initial()),
    add: (acc, value) => map((n, a) => a.add(acc[n], value)),
    ...(canMerge ? { merge: (x: Record<string, unknown>, y: Record<string, unknown>) => map((n, a) => a.merge!(x[n], y[n])) } : {}),
    result: (acc) => map((n, a) => a.result(acc[n])) as ResultOf<S>,
  };
}

import { labelSafe, type Aggregator } from './aggregator.ts';

type Spec = Record<string, Aggregator>;
type ResultOf<S extends Spec> = { [K in keyof S]: S[K] extends Aggregator<any, any, infer R> ? R : never };

/**
 * Runs several aggregations over the same window; the window result carries each under its name
 * next to `start` and `end`. Its label lists each name with its aggregation's label
 * (`revenue-sum_amount.orders-count`), so the default window store name tells specs apart.
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
  const aggregators = names.map((n) => spec[n]);
  const canMerge = aggregators.every((a) => typeof a.merge === 'function');
  // plain loops: add and result run for every record
  return {
    spread: true,
    label: names.map((n, i) => `${labelSafe(n)}-${aggregators[i].label ?? 'custom'}`).join('.'),
    initial: () => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) out[names[i]] = aggregators[i].initial();
      return out;
    },
    add: (acc, value) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) out[names[i]] = aggregators[i].add(acc[names[i]], value);
      return out;
    },
    ...(canMerge
      ? {
          merge: (x: Record<string, unknown>, y: Record<string, unknown>) => {
            const out: Record<string, unknown> = {};
            for (let i = 0; i < names.length; i++) out[names[i]] = aggregators[i].merge!(x[names[i]], y[names[i]]);
            return out;
          },
        }
      : {}),
    result: (acc) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) out[names[i]] = aggregators[i].result(acc[names[i]]);
      return out as ResultOf<S>;
    },
  };
}

import type { Aggregator } from './aggregations/aggregator.ts';

/** Labels longer than this are shortened (a store name is part of its changelog topic's name). */
const MAX_LABEL = 100;

/**
 * The default store name of a window: its kind and sizes (`prefix`), then what it aggregates, so
 * that two windows of one kind and size on one frame get different stores, e.g.
 * `tumbling_window_60000_sum_amount`. A label longer than 100 characters is cut to 80 and ended
 * with a hash of the whole label.
 *
 * @example
 * ```ts
 * windowStoreName('tumbling_window_60000', Sum('amount'));                               // 'tumbling_window_60000_sum_amount'
 * windowStoreName('tumbling_window_60000', agg({ revenue: Sum('amount'), orders: Count() })); // 'tumbling_window_60000_revenue-sum_amount.orders-count'
 * ```
 */
export function windowStoreName(prefix: string, aggregation: Aggregator | undefined): string {
  const label = aggregation?.label ?? 'custom';
  return `${prefix}_${label.length > MAX_LABEL ? `${label.slice(0, 80)}_${fnv1a(label)}` : label}`;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

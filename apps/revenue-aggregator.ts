// Consumer group "revenue-aggregator": total revenue and order count per product (durable state),
// written to `product-revenue`, plus revenue per product per minute to `product-revenue-per-minute`.
//   npx tsx apps/revenue-aggregator.ts --broker localhost:9092
import { Application, Count, Sum, type ApplicationOptions, type State } from '../src/index.ts';
import { isMain, parseAppFlags } from './app-flags.ts';
import { TRANSACTIONS_TOPIC, type Transaction } from './transactions-producer.ts';

/** A product's running totals, as written to `product-revenue` (key = product_id). */
export interface ProductRevenue {
  product_id: string;
  revenue: number;
  orders: number;
}

/** One product's revenue in one minute, as written to `product-revenue-per-minute`. */
export interface MinuteRevenue {
  start: number;
  end: number;
  revenue: number;
  orders: number;
}

export const PRODUCT_REVENUE_TOPIC = 'product-revenue';
export const PER_MINUTE_TOPIC = 'product-revenue-per-minute';

/**
 * Products sorted by revenue (highest first), ties by product id.
 *
 * @example
 * ```ts
 * rankProducts([{ product_id: 'a', revenue: 5, orders: 1 }, { product_id: 'b', revenue: 9, orders: 2 }])[0].product_id; // 'b'
 * ```
 */
export function rankProducts(totals: Iterable<ProductRevenue>): ProductRevenue[] {
  return [...totals].sort((a, b) => b.revenue - a.revenue || a.product_id.localeCompare(b.product_id));
}

/**
 * A printable table of products by revenue.
 *
 * @example
 * ```ts
 * console.log(formatRevenueTable(rankProducts(latest.values())));
 * ```
 */
export function formatRevenueTable(ranked: readonly ProductRevenue[], limit = 20): string {
  const lines = ranked.slice(0, limit).map((p, i) => `${String(i + 1).padStart(3)}. ${p.product_id.padEnd(12)} ${p.revenue.toFixed(2).padStart(12)}  ${String(p.orders).padStart(6)} orders`);
  return ['revenue by product:', ...lines].join('\n');
}

/** Options of {@link createRevenueAggregator}: Application options plus nothing else. */
export type RevenueAggregatorOptions = Omit<ApplicationOptions, 'consumerGroup'> & { consumerGroup?: string };

/**
 * The revenue-aggregator app: `latest` holds the last totals seen per product (for printing).
 *
 * @example
 * ```ts
 * const { app, latest } = createRevenueAggregator({ brokerAddress: 'localhost:9092' });
 * await app.run();
 * console.log(formatRevenueTable(rankProducts(latest.values())));
 * ```
 */
export function createRevenueAggregator(options: RevenueAggregatorOptions = {}): { app: Application; latest: Map<string, ProductRevenue> } {
  const app = new Application({ autoOffsetReset: 'earliest', ...options, consumerGroup: options.consumerGroup ?? 'revenue-aggregator' });
  const transactions = app.topic<Transaction>(TRANSACTIONS_TOPIC, {
    config: { numPartitions: 3 },
    timestampExtractor: (t, ctx) => Date.parse(t.timestamp) || ctx.timestamp,
  });
  const productRevenue = app.topic<ProductRevenue>(PRODUCT_REVENUE_TOPIC);
  const perMinute = app.topic<MinuteRevenue>(PER_MINUTE_TOPIC);
  const latest = new Map<string, ProductRevenue>();

  const byProduct = app.dataframe(transactions).groupBy('product_id');
  byProduct
    .apply((t: Transaction, state: State): ProductRevenue => {
      const revenue = Math.round((state.get('revenue', 0) + t.amount) * 100) / 100;
      const orders = state.get('orders', 0) + 1;
      state.set('revenue', revenue);
      state.set('orders', orders);
      return { product_id: t.product_id, revenue, orders };
    }, { stateful: true })
    .update((p) => void latest.set(p.product_id, p))
    .toTopic(productRevenue);
  // idleTimeout: a product partition quiet for 30 s of wall time emits its last minute too
  byProduct.tumblingWindow({ duration: '1m', grace: '5s' }).agg({ revenue: Sum('amount'), orders: Count() }).final({ idleTimeout: '30s' }).toTopic(perMinute);
  return { app, latest };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'revenue-aggregator', description: `Totals revenue and orders per product from "${TRANSACTIONS_TOPIC}" into "${PRODUCT_REVENUE_TOPIC}" and "${PER_MINUTE_TOPIC}"`, kind: 'processor' });
  const { app, latest } = createRevenueAggregator({ brokerAddress: flags.broker, ...flags.appOptions });
  const print = (): void => {
    if (latest.size > 0) console.log(formatRevenueTable(rankProducts(latest.values())));
  };
  const timer = setInterval(print, 10_000);
  timer.unref();
  if (flags.seconds !== undefined) setTimeout(() => void app.stop(), flags.seconds * 1000);
  try {
    await app.run();
  } finally {
    clearInterval(timer);
    print();
  }
}

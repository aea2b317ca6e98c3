// The e-commerce system of seed 000 in one command, as the seed's run.sh: the two consumer groups
// and the transactions producer, each in its own process, with a live summary.
//   npx sluice stack apps/ecommerce.stack.ts [--broker localhost:9092] [-- --rate 20 --count 1000]
// Each component also runs alone (one terminal each), e.g. `npx tsx apps/revenue-aggregator.ts`.
import type { StackDefinition } from '../src/cli/stack/stack-definition.ts';
import { TOP_CUSTOMERS_TOPIC, type TopCustomers } from './customer-behaviour.ts';
import { PRODUCT_REVENUE_TOPIC, rankProducts, type ProductRevenue } from './revenue-aggregator.ts';

/** What the summary shows and writes to logs/summary.json. */
export interface EcommerceSummary {
  /** Transactions counted by the revenue aggregator so far. */
  transactions: number;
  revenue: number;
  /** Every product, highest revenue first. */
  products: ProductRevenue[];
  /** The customer-behaviour group's top 5. */
  topCustomers: TopCustomers['top'];
}

const money = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * The summary's figures from the latest `product-revenue` per product and `top-customers`.
 *
 * @example
 * ```ts
 * const data = ecommerceSummary(new Map([['product_1', { product_id: 'product_1', revenue: 10, orders: 1 }]]), { top: [] });
 * ```
 */
export function ecommerceSummary(products: ReadonlyMap<string, unknown>, top: TopCustomers | undefined): EcommerceSummary {
  const ranked = rankProducts([...products.values()] as ProductRevenue[]);
  return {
    transactions: ranked.reduce((n, p) => n + p.orders, 0),
    revenue: Math.round(ranked.reduce((n, p) => n + p.revenue * 100, 0)) / 100,
    products: ranked,
    topCustomers: top?.top ?? [],
  };
}

/**
 * A few lines: totals, the ten products with the most revenue (all of them are in
 * logs/summary.json), the top 5 customers.
 *
 * @example
 * ```ts
 * console.log(renderEcommerceSummary(data));
 * ```
 */
export function renderEcommerceSummary(d: EcommerceSummary): string {
  if (d.transactions === 0) return '── e-commerce: no transactions processed yet ──';
  const lines = [`── e-commerce: ${d.transactions} transactions, revenue ${money(d.revenue)} ──`];
  const shown = d.products.slice(0, 10);
  for (let i = 0; i < shown.length; i += 5) {
    lines.push(`${i === 0 ? 'revenue by product:' : ''.padEnd(19)} ${shown.slice(i, i + 5).map((p) => `${p.product_id} ${money(p.revenue)}`).join(' · ')}`);
  }
  if (d.products.length > shown.length) lines[lines.length - 1] += ` (+${d.products.length - shown.length} more)`;
  lines.push(`top 5 customers:    ${d.topCustomers.map((c) => `${c.user_id} ${money(c.spend)} (${c.orders})`).join(' · ')}`);
  return lines.join('\n');
}

export default {
  description: 'e-commerce (seed 000): transactions → revenue-aggregator + customer-behaviour',
  options: {
    rate: { type: 'number', default: 10, describe: 'Transactions per second (0 = as fast as possible)' },
    count: { type: 'number', describe: 'Stop producing after this many (default: until Ctrl-C)' },
  },
  components: [
    { name: 'revenue-aggregator', file: './revenue-aggregator.ts' },
    { name: 'customer-behaviour', file: './customer-behaviour.ts' },
    {
      name: 'transactions-producer',
      file: './transactions-producer.ts',
      args: (o) => ['--rate', String(o.rate), ...(o.count === undefined ? [] : ['--count', String(o.count)])],
    },
  ],
  summary: {
    topics: [PRODUCT_REVENUE_TOPIC, TOP_CUSTOMERS_TOPIC],
    data: (view) => ecommerceSummary(view.latest(PRODUCT_REVENUE_TOPIC), view.latest(TOP_CUSTOMERS_TOPIC).get('all') as TopCustomers | undefined),
    render: (data) => renderEcommerceSummary(data as EcommerceSummary),
  },
} satisfies StackDefinition;

// Consumer group "customer-behaviour" (the seed's second reader of `transactions`): spend, orders and
// average order value per user to `customer-spend`, and the five highest-spending customers to
// `top-customers` — both durable state, so a restart continues where the group left off.
//   npx tsx apps/customer-behaviour.ts --broker localhost:9092
import { Application, type ApplicationOptions, type State } from '../src/index.ts';
import { isMain, parseAppFlags } from './app-flags.ts';
import { TRANSACTIONS_TOPIC, type Transaction } from './transactions-producer.ts';

/** One user's behaviour so far, as written to `customer-spend` (key = user_id). */
export interface CustomerSpend {
  user_id: string;
  spend: number;
  orders: number;
  average_order: number;
  /** Distinct products bought. */
  products: number;
  last_seen: string;
}

/** The ranking written to `top-customers` (key `all`) after each change of a customer's spend. */
export interface TopCustomers {
  top: Array<{ user_id: string; spend: number; orders: number }>;
}

export const CUSTOMER_SPEND_TOPIC = 'customer-spend';
export const TOP_CUSTOMERS_TOPIC = 'top-customers';
/** How many customers the ranking keeps. */
export const TOP_N = 5;

const cents = (x: number): number => Math.round(x * 100) / 100;

/**
 * Inserts or updates `entry` in a ranking (highest spend first, ties by user id), keeping `n`.
 * Spend only grows, so a customer who dropped out re-enters only with a new purchase, which brings
 * its new total: the ranking stays exact while keeping only `n` entries.
 *
 * @example
 * ```ts
 * rankCustomer([{ user_id: 'a', spend: 5, orders: 1 }], { user_id: 'b', spend: 9, orders: 1 }, 1); // [{ user_id: 'b', ... }]
 * ```
 */
export function rankCustomer(top: TopCustomers['top'], entry: TopCustomers['top'][number], n = TOP_N): TopCustomers['top'] {
  return [...top.filter((c) => c.user_id !== entry.user_id), entry]
    .sort((a, b) => b.spend - a.spend || a.user_id.localeCompare(b.user_id))
    .slice(0, n);
}

/** Options of {@link createCustomerBehaviour}: Application options; the group defaults to `customer-behaviour`. */
export type CustomerBehaviourOptions = Omit<ApplicationOptions, 'consumerGroup'> & { consumerGroup?: string };

/**
 * The customer-behaviour app. `latestTop` holds the last ranking it produced (for printing).
 *
 * @example
 * ```ts
 * const { app, latestTop } = createCustomerBehaviour({ brokerAddress: 'localhost:9092' });
 * setInterval(() => console.log(formatTopCustomers(latestTop.top)), 10_000);
 * await app.run();
 * ```
 */
export function createCustomerBehaviour(options: CustomerBehaviourOptions = {}): { app: Application; latestTop: TopCustomers } {
  const app = new Application({ autoOffsetReset: 'earliest', ...options, consumerGroup: options.consumerGroup ?? 'customer-behaviour' });
  const transactions = app.topic<Transaction>(TRANSACTIONS_TOPIC, { config: { numPartitions: 3 } });
  const customerSpend = app.topic<CustomerSpend>(CUSTOMER_SPEND_TOPIC);
  const topCustomers = app.topic<TopCustomers>(TOP_CUSTOMERS_TOPIC);
  const latestTop: TopCustomers = { top: [] };

  // transactions are keyed by user_id already: per-user state needs no repartition
  const spend = app.dataframe(transactions).apply((t: Transaction, state: State): CustomerSpend => {
    const total = cents(state.get('spend', 0) + t.amount);
    const orders = state.get('orders', 0) + 1;
    const products: string[] = state.get('products', []);
    if (!products.includes(t.product_id)) state.set('products', [...products, t.product_id]);
    state.set('spend', total);
    state.set('orders', orders);
    return { user_id: t.user_id, spend: total, orders, average_order: cents(total / orders), products: state.get('products', []).length, last_seen: t.timestamp };
  }, { stateful: true });
  spend.toTopic(customerSpend, { key: (c) => c.user_id });

  // one ranking over all users: re-key everything to a single key so that it lives in one store
  spend
    .groupBy(() => 'all', { name: 'all-customers' })
    .apply((c: CustomerSpend, state: State): TopCustomers => {
      const top = rankCustomer(state.get('top', []), { user_id: c.user_id, spend: c.spend, orders: c.orders });
      state.set('top', top);
      return { top };
    }, { stateful: true })
    .update((t) => void (latestTop.top = t.top))
    .toTopic(topCustomers);
  return { app, latestTop };
}

/**
 * A printable ranking.
 *
 * @example
 * ```ts
 * console.log(formatTopCustomers([{ user_id: 'user_7', spend: 1234.5, orders: 4 }]));
 * ```
 */
export function formatTopCustomers(top: TopCustomers['top']): string {
  const lines = top.map((c, i) => `${String(i + 1).padStart(3)}. ${c.user_id.padEnd(10)} ${c.spend.toFixed(2).padStart(12)}  ${String(c.orders).padStart(5)} orders`);
  return [`top ${TOP_N} customers by spend:`, ...lines].join('\n');
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'customer-behaviour', description: `Spend per customer from "${TRANSACTIONS_TOPIC}" into "${CUSTOMER_SPEND_TOPIC}", and the top ${TOP_N} into "${TOP_CUSTOMERS_TOPIC}"`, kind: 'processor' });
  const { app, latestTop } = createCustomerBehaviour({ brokerAddress: flags.broker, ...flags.appOptions });
  let printed = '';
  const print = (): void => {
    const table = formatTopCustomers(latestTop.top);
    if (latestTop.top.length > 0 && table !== printed) console.log((printed = table));
  };
  const timer = setInterval(print, 5_000);
  timer.unref();
  if (flags.seconds !== undefined) setTimeout(() => void app.stop(), flags.seconds * 1000).unref();
  try {
    await app.run();
  } finally {
    clearInterval(timer);
    print();
  }
}

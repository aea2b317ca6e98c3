// Seed 003, Kafka → PostgreSQL + CSV (consumer group `orders-pipeline`): reads the checkout's raw
// orders from `raw-orders`, cleans them (product ids normalised, numbers parsed, wrong orders sent
// with the reason to `orders-rejected`), and writes
//   - every clean order to the PostgreSQL table `orders` (COPY) and to output_data/orders.csv;
//   - per-product sales (orders, units, revenue; durable state) to the table `product_sales`
//     (upserted on product_id: one row per product, exact after any restart) and, as a running log,
//     to output_data/product_sales.csv.
//   DATABASE_URL=postgresql://sluice@127.0.0.1:5433/sluice npx tsx apps/orders-pipeline.ts --broker localhost:9092
import { Application, CsvSink, PostgresSink, type ApplicationOptions, type State } from '../src/index.ts';
import { isMain, parseAppFlags } from './app-flags.ts';
import { RAW_ORDERS_TOPIC, type CleanOrder, type RawOrder } from './raw-orders-producer.ts';

/** A product's sales so far: a row of `product_sales` (key product_id). */
export interface ProductSales {
  product_id: string;
  orders: number;
  quantity: number;
  /** Sum of the orders' amounts, two decimals. */
  revenue: number;
  /** The latest ordered_at of its orders. */
  last_order_at: string;
}

/** An order the pipeline refused, as written to `orders-rejected`. */
export interface RejectedOrder {
  order: RawOrder;
  reason: string;
}

export const REJECTED_TOPIC = 'orders-rejected';

/** The verdict on one raw order. */
export type OrderCheck = { ok: true; order: CleanOrder } | { ok: false; reason: string };

const PRODUCT_ID = /^product_\d+$/;

/**
 * Cleans a raw order: trims and lower-cases the product id, parses quantity and price (numbers or
 * numeric strings), recomputes the amount in cents, checks the time. Refuses (with the reason) an
 * order without a product, with a quantity that is not a positive integer, a price that is not a
 * positive number, or a time that does not parse.
 *
 * @example
 * ```ts
 * cleanOrder({ order_id: 'o1', customer_id: 'customer_1', product: ' PRODUCT_3 ', quantity: '2', unit_price: '19.99', ordered_at: '2026-12-02T18:00:00.000Z' });
 * // { ok: true, order: { order_id: 'o1', customer_id: 'customer_1', product_id: 'product_3', quantity: 2, unit_price: 19.99, amount: 39.98, ordered_at: '2026-12-02T18:00:00.000Z' } }
 * ```
 */
export function cleanOrder(raw: RawOrder): OrderCheck {
  const productId = String(raw.product ?? '').trim().toLowerCase();
  if (!PRODUCT_ID.test(productId)) return { ok: false, reason: productId ? `unknown product '${raw.product}'` : 'no product' };
  const quantity = Number(raw.quantity);
  if (!Number.isInteger(quantity) || quantity <= 0) return { ok: false, reason: `quantity must be a positive integer, got ${JSON.stringify(raw.quantity)}` };
  const unitPrice = Number(raw.unit_price);
  if (!Number.isFinite(unitPrice) || unitPrice <= 0) return { ok: false, reason: `unit_price must be a positive number, got ${JSON.stringify(raw.unit_price)}` };
  const at = Date.parse(raw.ordered_at);
  if (Number.isNaN(at)) return { ok: false, reason: `ordered_at is not a time: ${JSON.stringify(raw.ordered_at)}` };
  return {
    ok: true,
    order: {
      order_id: raw.order_id,
      customer_id: raw.customer_id,
      product_id: productId,
      quantity,
      unit_price: unitPrice,
      amount: Math.round(quantity * unitPrice * 100) / 100,
      ordered_at: new Date(at).toISOString(),
    },
  };
}

/** Options of {@link createOrdersPipeline}: Application options plus where the rows go. */
export type OrdersPipelineOptions = ApplicationOptions & {
  /** PostgreSQL URL; default the DATABASE_URL environment variable. */
  databaseUrl?: string;
  /** Where the CSV files go; default `output_data`. */
  outputDir?: string;
  /** Default `orders`. */
  ordersTable?: string;
  /** Default `product_sales`. */
  salesTable?: string;
  rawTopic?: string;
  rejectedTopic?: string;
  /** Attempts per sink write before the app stops (default 5) and the wait before the first retry (ms, default 250). */
  sinkAttempts?: number;
  sinkRetryBackoffMs?: number;
};

/**
 * The orders-pipeline app.
 *
 * @example
 * ```ts
 * const { app } = createOrdersPipeline({ brokerAddress: 'localhost:9092', databaseUrl: 'postgresql://sluice@127.0.0.1:5433/sluice' });
 * await app.run();
 * console.log(app.stats.sinks);
 * ```
 */
export function createOrdersPipeline(options: OrdersPipelineOptions = {}): { app: Application } {
  const { databaseUrl, outputDir = 'output_data', ordersTable = 'orders', salesTable = 'product_sales', rawTopic, rejectedTopic, sinkAttempts, sinkRetryBackoffMs, ...appOptions } = options;
  const app = new Application({ consumerGroup: 'orders-pipeline', autoOffsetReset: 'earliest', ...appOptions });
  const raw = app.topic<RawOrder>(rawTopic ?? RAW_ORDERS_TOPIC, { config: { numPartitions: 3 } });
  const rejected = app.topic<RejectedOrder>(rejectedTopic ?? REJECTED_TOPIC);
  const retry = { ...(sinkAttempts ? { attempts: sinkAttempts } : {}), ...(sinkRetryBackoffMs !== undefined ? { retryBackoffMs: sinkRetryBackoffMs } : {}) };
  const db = { ...retry, ...(databaseUrl ? { connectionString: databaseUrl } : {}), createTable: true };

  const checked = app.dataframe(raw).apply((order) => ({ order, check: cleanOrder(order) }));
  checked
    .filter((c) => !c.check.ok)
    .apply((c): RejectedOrder => ({ order: c.order, reason: c.check.ok ? '' : c.check.reason }))
    .toTopic(rejected);
  const clean = checked.apply((c) => c.check).filter((c): c is Extract<OrderCheck, { ok: true }> => c.ok).apply((c) => c.order);
  clean.sink(
    new PostgresSink<CleanOrder>({
      name: 'orders-db',
      table: ordersTable,
      columns: { order_id: 'text', customer_id: 'text', product_id: 'text', quantity: 'integer', unit_price: 'numeric(10,2)', amount: 'numeric(12,2)', ordered_at: 'timestamptz' },
      ...db,
    }),
  );
  clean.sink(new CsvSink<CleanOrder>({ name: 'orders-csv', dir: outputDir, fileName: 'orders', ...retry }));

  const sales = clean.groupBy('product_id').apply(
    (o, state: State): ProductSales => {
      const orders = state.get('orders', 0) + 1;
      const quantity = state.get('quantity', 0) + o.quantity;
      const cents = state.get('revenue_cents', 0) + Math.round(o.amount * 100);
      state.set('orders', orders);
      state.set('quantity', quantity);
      const last = [state.get('last_order_at', ''), o.ordered_at].sort()[1];
      state.set('revenue_cents', cents);
      state.set('last_order_at', last);
      return { product_id: o.product_id, orders, quantity, revenue: cents / 100, last_order_at: last };
    },
    { stateful: true },
  );
  sales.sink(
    new PostgresSink<ProductSales>({
      name: 'sales-db',
      table: salesTable,
      upsertKey: 'product_id',
      columns: { product_id: 'text', orders: 'bigint', quantity: 'bigint', revenue: 'numeric(14,2)', last_order_at: 'timestamptz' },
      ...db,
    }),
  );
  sales.sink(new CsvSink<ProductSales>({ name: 'sales-csv', dir: outputDir, fileName: 'product_sales', ...retry }));
  return { app };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags<{ databaseUrl?: string; outputDir: string }>({
    name: 'orders-pipeline',
    description: `Cleans raw orders from "${RAW_ORDERS_TOPIC}" into PostgreSQL (orders, product_sales) and CSV files (orders.csv, product_sales.csv); rejects go to "${REJECTED_TOPIC}"`,
    kind: 'processor',
    options: {
      'database-url': { type: 'string', default: process.env.DATABASE_URL, defaultDescription: '$DATABASE_URL', describe: 'PostgreSQL URL, e.g. postgresql://sluice@127.0.0.1:5433/sluice' },
      'output-dir': { type: 'string', default: 'output_data', describe: 'Where the CSV files go' },
    },
  });
  const { app } = createOrdersPipeline({ brokerAddress: flags.broker, outputDir: flags.outputDir, ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}), ...flags.appOptions });
  const report = (): void => {
    const s = app.stats.sinks;
    const line = Object.entries(s).map(([name, st]) => `${name}=${st.rows}`).join(' ');
    if (line) console.log(`rows written: ${line} (processed ${app.stats.processed})`);
  };
  const timer = setInterval(report, 10_000);
  timer.unref();
  if (flags.seconds !== undefined) setTimeout(() => void app.stop(), flags.seconds * 1000).unref();
  try {
    await app.run();
  } finally {
    clearInterval(timer);
    report();
  }
}

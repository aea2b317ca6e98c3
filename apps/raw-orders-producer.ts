// Seed 003's producer: orders as a shop's checkout sends them — product names in any case and
// padding, numbers sometimes as strings, and now and then an order that is plainly wrong — to
// `raw-orders`, keyed by customer. apps/orders-pipeline.ts cleans them into PostgreSQL and CSV.
//   npx tsx apps/raw-orders-producer.ts --broker localhost:9092 [--count 1000] [--rate 50]
import { faker as defaultFaker, type Faker } from '@faker-js/faker';
import { Application, GeneratorSource } from '../src/index.ts';
import type { LogLevel } from '../src/logger.ts';
import { isMain, parseAppFlags } from './app-flags.ts';

/** An order as the checkout sends it: not to be trusted. */
export interface RawOrder {
  order_id: string;
  customer_id: string;
  /** A product id, in any case, maybe padded with spaces; '' when the checkout lost it. */
  product: string;
  quantity: number | string;
  unit_price: number | string;
  /** ISO-8601 time, or garbage. */
  ordered_at: string;
}

/** An order after cleaning: what lands in the `orders` table and `output_data/orders.csv`. */
export interface CleanOrder {
  order_id: string;
  customer_id: string;
  product_id: string;
  quantity: number;
  unit_price: number;
  /** quantity × unit_price, two decimals. */
  amount: number;
  ordered_at: string;
}

export const RAW_ORDERS_TOPIC = 'raw-orders';

/** The catalogue: twelve products with a unit price. */
export const CATALOGUE: ReadonlyArray<{ product_id: string; price: number }> = Object.freeze(
  [4.99, 12.5, 19.99, 3.2, 45, 99.9, 7.75, 15, 0.99, 249, 33.3, 58.6].map((price, i) => ({ product_id: `product_${i + 1}`, price })),
);

/** The ways an order goes wrong, and how often (of all orders). */
const FAULTS = ['quantity 0', 'negative quantity', 'no product', 'price n/a', 'bad date'] as const;
const FAULT_RATE = 0.06;

/**
 * One raw order and the truth behind it: `clean` is the order the checkout meant (what a correct
 * pipeline must store), or null with `fault` when the order is wrong and must be rejected.
 *
 * @example
 * ```ts
 * const { raw, clean } = makeRawOrder(faker, new Date());
 * ```
 */
export function makeRawOrder(faker: Faker = defaultFaker, at: Date = new Date()): { raw: RawOrder; clean: CleanOrder | null; fault?: string } {
  const item = faker.helpers.arrayElement(CATALOGUE);
  const quantity = faker.number.int({ min: 1, max: 6 });
  const clean: CleanOrder = {
    order_id: faker.string.uuid(),
    customer_id: `customer_${faker.number.int({ min: 1, max: 40 })}`,
    product_id: item.product_id,
    quantity,
    unit_price: item.price,
    amount: Math.round(quantity * item.price * 100) / 100,
    ordered_at: at.toISOString(),
  };
  const raw: RawOrder = {
    order_id: clean.order_id,
    customer_id: clean.customer_id,
    product: faker.helpers.arrayElement([item.product_id, item.product_id.toUpperCase(), ` ${item.product_id}  `]),
    quantity: faker.datatype.boolean() ? quantity : String(quantity),
    unit_price: faker.datatype.boolean() ? item.price : item.price.toFixed(2),
    ordered_at: clean.ordered_at,
  };
  if (faker.number.float({ min: 0, max: 1 }) >= FAULT_RATE) return { raw, clean };
  const fault = faker.helpers.arrayElement(FAULTS);
  if (fault === 'quantity 0') raw.quantity = 0;
  else if (fault === 'negative quantity') raw.quantity = -quantity;
  else if (fault === 'no product') raw.product = '';
  else if (fault === 'price n/a') raw.unit_price = 'n/a';
  else raw.ordered_at = 'yesterday';
  return { raw, clean: null, fault };
}

/** Options of {@link createRawOrdersProducer}. */
export interface RawOrdersProducerOptions {
  /** Default: env SLUICE_BROKER_ADDRESS, else localhost:9092. */
  brokerAddress?: string;
  /** How many orders; default unbounded (until Ctrl-C). */
  count?: number;
  /** Orders per second; 0 = as fast as possible. */
  rate?: number;
  /** Default `raw-orders` (3 partitions). */
  topic?: string;
  /** Seed it for reproducible orders. */
  faker?: Faker;
  logLevel?: LogLevel;
  /** Sees every order with its truth as it is produced (a test's ground truth). */
  onOrder?: (order: ReturnType<typeof makeRawOrder>) => void;
}

/**
 * The raw-orders producer app: a {@link GeneratorSource} of {@link RawOrder}s feeding `raw-orders`
 * (3 partitions, key = customer_id).
 *
 * @example
 * ```ts
 * const { app, produced } = createRawOrdersProducer({ brokerAddress: 'localhost:9092', count: 500 });
 * await app.run();
 * ```
 */
export function createRawOrdersProducer(options: RawOrdersProducerOptions = {}): { app: Application; produced: () => number } {
  const { faker = defaultFaker } = options;
  const app = new Application({ clientId: 'raw-orders-producer', ...(options.brokerAddress ? { brokerAddress: options.brokerAddress } : {}), ...(options.logLevel ? { logLevel: options.logLevel } : {}) });
  const topic = app.topic<RawOrder>(options.topic ?? RAW_ORDERS_TOPIC, { config: { numPartitions: 3 } });
  let produced = 0;
  app.addSource(
    new GeneratorSource<RawOrder>({
      name: 'raw-orders-producer',
      ...(options.count === undefined ? {} : { count: options.count }),
      rate: options.rate ?? 0,
      generate: () => {
        const order = makeRawOrder(faker, new Date());
        produced++;
        options.onOrder?.(order);
        return { key: order.raw.customer_id, value: order.raw };
      },
    }),
    topic,
  );
  return { app, produced: () => produced };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'raw-orders-producer', description: `Sends raw checkout orders (some malformed) to "${RAW_ORDERS_TOPIC}", keyed by customer_id`, kind: 'producer' });
  const { app, produced } = createRawOrdersProducer({ brokerAddress: flags.broker, count: flags.count, rate: flags.rate });
  await app.run();
  console.log(`raw-orders-producer: sent ${produced()} orders to "${RAW_ORDERS_TOPIC}"`);
}

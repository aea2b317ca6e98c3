// The order service of seed 001: produces `order_placed` events to `orders`, keyed by customer, so
// that one customer's orders land in one partition and are read in the order they were placed.
//   npx tsx apps/order-service.ts --broker localhost:9092 [--count 100] [--rate 5]
import { faker as defaultFaker, type Faker } from '@faker-js/faker';
import { Application, GeneratorSource } from '../src/index.ts';
import type { LogLevel } from '../src/logger.ts';
import { isMain, parseAppFlags } from './app-flags.ts';

/** An order event, as the seed defines it (plus the product and quantity the inventory needs). */
export interface OrderPlaced {
  event_type: 'order_placed';
  order_id: string;
  customer_id: string;
  product_id: string;
  quantity: number;
  /** quantity × the product's unit price, two decimals. */
  total_amount: number;
  /** ISO-8601 time the order was placed. */
  timestamp: string;
}

export const ORDERS_TOPIC = 'orders';

/** The catalogue: ten products with a unit price. */
export const PRODUCTS: ReadonlyArray<{ product_id: string; price: number }> = Object.freeze(
  [19.99, 5.5, 120, 42, 7.25, 310, 64.9, 12, 89.5, 3.75].map((price, i) => ({ product_id: `product_${i + 1}`, price })),
);

/**
 * A random order by one of `customers` customers (`customer_1` ...) for 1-5 units of a product.
 *
 * @example
 * ```ts
 * makeOrder(faker, new Date('2026-01-26T14:20:00Z'));
 * // { event_type: 'order_placed', order_id: '0b5…', customer_id: 'customer_7', product_id: 'product_3', quantity: 2, total_amount: 240, timestamp: '2026-01-26T14:20:00.000Z' }
 * ```
 */
export function makeOrder(faker: Faker = defaultFaker, at: Date = new Date(), customers = 20): OrderPlaced {
  const product = faker.helpers.arrayElement(PRODUCTS);
  const quantity = faker.number.int({ min: 1, max: 5 });
  return {
    event_type: 'order_placed',
    order_id: faker.string.uuid(),
    customer_id: `customer_${faker.number.int({ min: 1, max: customers })}`,
    product_id: product.product_id,
    quantity,
    total_amount: Math.round(quantity * product.price * 100) / 100,
    timestamp: at.toISOString(),
  };
}

/** Options of {@link createOrderService}. */
export interface OrderServiceOptions {
  /** Default: env SLUICE_BROKER_ADDRESS, else localhost:9092. */
  brokerAddress?: string;
  /** How many orders; default unbounded (until Ctrl-C). */
  count?: number;
  /** Orders per second; 0 = as fast as possible. */
  rate?: number;
  /** How many distinct customers place orders; default 20. */
  customers?: number;
  /** Default `orders` (3 partitions). */
  topic?: string;
  /** Seed it for reproducible orders. */
  faker?: Faker;
  logLevel?: LogLevel;
  /** Sees every order as it is produced (what a test takes as ground truth). */
  onOrder?: (order: OrderPlaced) => void;
}

/**
 * The order-service app: a {@link GeneratorSource} of `order_placed` events feeding `orders`
 * (3 partitions, key = customer_id). `produced()` counts the orders made; once `app.run()` has
 * resolved, all of them are acknowledged.
 *
 * @example
 * ```ts
 * const { app, produced } = createOrderService({ brokerAddress: 'localhost:9092', count: 100, rate: 5 });
 * await app.run();
 * console.log(`${produced()} orders placed`);
 * ```
 */
export function createOrderService(options: OrderServiceOptions = {}): { app: Application; produced: () => number } {
  const { faker = defaultFaker, customers = 20 } = options;
  const app = new Application({ clientId: 'order-service', ...(options.brokerAddress ? { brokerAddress: options.brokerAddress } : {}), ...(options.logLevel ? { logLevel: options.logLevel } : {}) });
  const orders = app.topic<OrderPlaced>(options.topic ?? ORDERS_TOPIC, { config: { numPartitions: 3 } });
  let produced = 0;
  const source = new GeneratorSource<OrderPlaced>({
    name: 'order-service',
    ...(options.count === undefined ? {} : { count: options.count }),
    rate: options.rate ?? 0,
    generate: () => {
      const order = makeOrder(faker, new Date(), customers);
      produced++;
      options.onOrder?.(order);
      return { key: order.customer_id, value: order, timestamp: Date.parse(order.timestamp) };
    },
  });
  app.addSource(source, orders);
  return { app, produced: () => produced };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags<{ customers: number }>({
    name: 'order-service',
    description: `Places random orders: order_placed events to "${ORDERS_TOPIC}", keyed by customer_id`,
    kind: 'producer',
    options: { customers: { type: 'number', default: 20, describe: 'How many distinct customers place orders' } },
  });
  const { app, produced } = createOrderService({ brokerAddress: flags.broker, count: flags.count, rate: flags.rate, customers: flags.customers });
  await app.run();
  console.log(`order-service: placed ${produced()} orders on "${ORDERS_TOPIC}"`);
}

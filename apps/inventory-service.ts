// The inventory service of seed 001 (consumer group `inventory-service`): reads `order_placed`
// events from `orders`, takes each order's quantity off its product's stock (durable state, so a
// restart goes on from where it was), writes every change to `inventory-updates` and warns when a
// product's stock runs low. The producer and this service know nothing of each other but the topic.
//   npx tsx apps/inventory-service.ts --broker localhost:9092 [--initial-stock 1000] [--low-stock 50]
import { Application, type ApplicationOptions, type State } from '../src/index.ts';
import { isMain, parseAppFlags } from './app-flags.ts';
import { ORDERS_TOPIC, type OrderPlaced } from './order-service.ts';

/** One stock change, as written to `inventory-updates` (key = product_id). */
export interface InventoryUpdate {
  product_id: string;
  order_id: string;
  customer_id: string;
  /** This is the customer's n-th order the service has handled (1, 2, ...), counted per customer in the order they arrive. */
  customer_order: number;
  quantity: number;
  stock_before: number;
  stock: number;
  /** stock ≤ the low-stock threshold. */
  low_stock: boolean;
  timestamp: string;
}

export const INVENTORY_UPDATES_TOPIC = 'inventory-updates';

/** Options of {@link createInventoryService}: Application options plus the stock rules and topic names. */
export type InventoryServiceOptions = ApplicationOptions & {
  /** Every product's stock before its first order; default 1000. */
  initialStock?: number;
  /** Warn (and flag `low_stock`) when a product's stock falls to this or below; default 50. */
  lowStockThreshold?: number;
  ordersTopic?: string;
  updatesTopic?: string;
};

/**
 * The inventory-service app. Orders are keyed by customer, so the first step sees each customer's
 * orders in the order they were placed and numbers them (`customer_order`); `groupBy('product_id')`
 * then brings all orders of a product together, where its stock is kept. `stock` mirrors the
 * latest stock per product (for printing).
 *
 * @example
 * ```ts
 * const { app, stock } = createInventoryService({ brokerAddress: 'localhost:9092', initialStock: 500 });
 * await app.run();
 * console.log(stock.get('product_3'));
 * ```
 */
export function createInventoryService(options: InventoryServiceOptions = {}): { app: Application; stock: Map<string, number> } {
  const { initialStock = 1000, lowStockThreshold = 50, ordersTopic, updatesTopic, ...appOptions } = options;
  const app = new Application({ consumerGroup: 'inventory-service', autoOffsetReset: 'earliest', ...appOptions });
  const orders = app.topic<OrderPlaced>(ordersTopic ?? ORDERS_TOPIC, { config: { numPartitions: 3 } });
  const updates = app.topic<InventoryUpdate>(updatesTopic ?? INVENTORY_UPDATES_TOPIC);
  const stock = new Map<string, number>();

  app
    .dataframe(orders)
    .filter((e) => e.event_type === 'order_placed')
    // keyed by customer: this state is the customer's, and their orders arrive in the order placed
    .apply((order: OrderPlaced, state: State) => {
      const customerOrder = state.get('orders', 0) + 1;
      state.set('orders', customerOrder);
      return { ...order, customer_order: customerOrder };
    }, { stateful: true })
    .groupBy('product_id')
    .apply((order, state: State): InventoryUpdate => {
      const before = state.get('stock', initialStock);
      const after = before - order.quantity;
      state.set('stock', after);
      return {
        product_id: order.product_id,
        order_id: order.order_id,
        customer_id: order.customer_id,
        customer_order: order.customer_order,
        quantity: order.quantity,
        stock_before: before,
        stock: after,
        low_stock: after <= lowStockThreshold,
        timestamp: order.timestamp,
      };
    }, { stateful: true })
    .update((u) => {
      stock.set(u.product_id, u.stock);
      if (u.stock < 0 && u.stock_before >= 0) app.logger.warn({ product_id: u.product_id, stock: u.stock, order_id: u.order_id }, `out of stock: ${u.product_id} is oversold by ${-u.stock}`);
      else if (u.low_stock && u.stock_before > lowStockThreshold) app.logger.warn({ product_id: u.product_id, stock: u.stock, threshold: lowStockThreshold }, `low stock: ${u.product_id} has ${u.stock} left`);
    })
    .toTopic(updates);
  return { app, stock };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags<{ initialStock: number; lowStock: number }>({
    name: 'inventory-service',
    description: `Keeps stock per product from "${ORDERS_TOPIC}", writes changes to "${INVENTORY_UPDATES_TOPIC}", warns on low stock`,
    kind: 'processor',
    options: {
      'initial-stock': { type: 'number', default: 1000, describe: "Every product's stock before its first order" },
      'low-stock': { type: 'number', default: 50, describe: 'Warn when a stock falls to this or below' },
    },
  });
  const { app, stock } = createInventoryService({ brokerAddress: flags.broker, initialStock: flags.initialStock, lowStockThreshold: flags.lowStock, ...flags.appOptions });
  const print = (): void => {
    if (stock.size === 0) return;
    const rows = [...stock].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
    console.log(`stock: ${rows.map(([p, n]) => `${p}=${n}`).join(' ')}`);
  };
  const timer = setInterval(print, 10_000);
  timer.unref();
  if (flags.seconds !== undefined) setTimeout(() => void app.stop(), flags.seconds * 1000).unref();
  try {
    await app.run();
  } finally {
    clearInterval(timer);
    print();
  }
}

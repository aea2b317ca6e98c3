// Seed 001 end to end: order-service → `orders` → inventory-service → `inventory-updates`, checked
// against the orders the test itself produced. The inventory service is stopped half-way and
// started again on its durable state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faker } from '@faker-js/faker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryService, type InventoryUpdate } from '../../apps/inventory-service.ts';
import { createOrderService, type OrderPlaced } from '../../apps/order-service.ts';
import { consumeAll, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
let stateDir: string;
beforeAll(async () => {
  broker = await useTestBroker();
  stateDir = mkdtempSync(join(tmpdir(), 'sluice-inventory-'));
});
afterAll(async () => {
  await broker?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const INITIAL = 500;

describe('seed 001: orders → inventory', () => {
  it('stock is the initial stock minus the ordered quantities, and each customer’s orders are handled in the order placed', async () => {
    const topics = { orders: uniqueName('orders'), updates: uniqueName('inventory-updates') };
    const group = uniqueName('inventory-service');
    const placed: OrderPlaced[] = [];
    faker.seed(1001);
    const placeOrders = async (count: number): Promise<void> => {
      const { app } = createOrderService({ brokerAddress: broker.address, topic: topics.orders, count, customers: 12, faker, logLevel: 'silent', onOrder: (o) => placed.push(o) });
      await app.run();
    };
    const inventoryUntil = async (updates: number): Promise<InventoryUpdate[]> => {
      const { app } = createInventoryService({
        brokerAddress: broker.address,
        consumerGroup: group,
        stateDir,
        ordersTopic: topics.orders,
        updatesTopic: topics.updates,
        initialStock: INITIAL,
        commitInterval: 200,
        logLevel: 'silent',
      });
      const running = app.run();
      try {
        return (await consumeAll(broker.address, topics.updates, updates, 60_000)).map((r) => JSON.parse(r.value!) as InventoryUpdate);
      } finally {
        await app.stop();
        await running;
      }
    };

    await placeOrders(150);
    await inventoryUntil(150);
    await placeOrders(150); // while the inventory service is down
    const updates = await inventoryUntil(300);

    expect(placed).toHaveLength(300);
    expect(new Set(updates.map((u) => u.order_id)).size).toBe(300); // each order handled once, across the restart
    // stock = initial − ordered, per product (stock only falls, so a product's lowest is its stock now)
    const ordered = new Map<string, number>();
    for (const o of placed) ordered.set(o.product_id, (ordered.get(o.product_id) ?? 0) + o.quantity);
    const latest = new Map<string, InventoryUpdate>();
    for (const u of updates) if ((latest.get(u.product_id)?.stock ?? Infinity) > u.stock) latest.set(u.product_id, u);
    expect(new Map([...latest].map(([p, u]) => [p, u.stock]))).toEqual(new Map([...ordered].map(([p, q]) => [p, INITIAL - q])));
    for (const u of updates) {
      expect(u.stock).toBe(u.stock_before - u.quantity);
      expect(u.low_stock).toBe(u.stock <= 50);
    }
    // per customer: the n-th order placed is the n-th handled (keys → partitions → per-key order)
    const customers = new Set(placed.map((o) => o.customer_id));
    expect(customers.size).toBeGreaterThan(5);
    for (const customer of customers) {
      const inPlacedOrder = placed.filter((o) => o.customer_id === customer).map((o) => o.order_id);
      const handled = updates.filter((u) => u.customer_id === customer).sort((a, b) => a.customer_order - b.customer_order);
      expect({ customer, orders: handled.map((u) => u.order_id) }).toEqual({ customer, orders: inPlacedOrder });
      expect(handled.map((u) => u.customer_order)).toEqual(inPlacedOrder.map((_, i) => i + 1));
    }
  });
});

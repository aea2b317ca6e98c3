import { describe, expect, it } from 'vitest';
import { createInventoryService, type InventoryUpdate } from '../../apps/inventory-service.ts';
import type { OrderPlaced } from '../../apps/order-service.ts';
import { TestDriver } from '../../src/testing/test-driver.ts';

let n = 0;
const order = (customer: string, product: string, quantity: number): OrderPlaced => ({
  event_type: 'order_placed',
  order_id: `o${++n}`,
  customer_id: customer,
  product_id: product,
  quantity,
  total_amount: quantity * 10,
  timestamp: new Date(Date.UTC(2026, 0, 26, 14, 20, n)).toISOString(),
});

describe('inventory-service app', () => {
  it('takes each order off its product stock, flags low stock and numbers each customer’s orders', () => {
    const { app, stock } = createInventoryService({ initialStock: 20, lowStockThreshold: 5, logLevel: 'silent' });
    const driver = new TestDriver(app);
    const input = [order('c1', 'p1', 4), order('c2', 'p1', 10), order('c1', 'p2', 3), order('c1', 'p1', 2), order('c3', 'p1', 5), order('c2', 'p2', 1)];
    for (const o of input) driver.send('orders', o, { key: o.customer_id, timestamp: Date.parse(o.timestamp) });

    const updates = driver.read('inventory-updates').map((r) => ({ key: r.key, ...(r.value as InventoryUpdate) }));
    expect(updates.map((u) => [u.key, u.order_id, u.stock_before, u.stock, u.low_stock])).toEqual([
      ['p1', 'o1', 20, 16, false],
      ['p1', 'o2', 16, 6, false],
      ['p2', 'o3', 20, 17, false],
      ['p1', 'o4', 6, 4, true],
      ['p1', 'o5', 4, -1, true],
      ['p2', 'o6', 17, 16, false],
    ]);
    expect(updates.map((u) => [u.customer_id, u.customer_order])).toEqual([['c1', 1], ['c2', 1], ['c1', 2], ['c1', 3], ['c3', 1], ['c2', 2]]);
    expect(Object.fromEntries(stock)).toEqual({ p1: -1, p2: 16 });
  });

  it('ignores events other than order_placed', () => {
    const { app } = createInventoryService({ logLevel: 'silent' });
    const driver = new TestDriver(app);
    driver.send('orders', { ...order('c1', 'p1', 1), event_type: 'order_cancelled' }, { key: 'c1' });
    expect(driver.read('inventory-updates')).toEqual([]);
  });
});

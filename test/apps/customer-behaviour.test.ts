import { describe, expect, it } from 'vitest';
import { createCustomerBehaviour, formatTopCustomers, rankCustomer } from '../../apps/customer-behaviour.ts';
import { TestDriver } from '../../src/testing/test-driver.ts';

const tx = (user: string, product: string, amount: number, second: number) => ({
  transaction_id: `${user}-${second}`,
  user_id: user,
  product_id: product,
  amount,
  timestamp: new Date(Date.UTC(2026, 10, 23, 0, 0, second)).toISOString(),
});

describe('customer-behaviour app', () => {
  it('keeps spend, orders, average and distinct products per user, and the exact top 5 across partitions', () => {
    const { app, latestTop } = createCustomerBehaviour({ logLevel: 'silent' });
    const driver = new TestDriver(app);
    const input = [
      tx('user_1', 'product_1', 10, 1),
      tx('user_2', 'product_1', 50, 2),
      tx('user_3', 'product_2', 30, 3),
      tx('user_1', 'product_2', 25.5, 4),
      tx('user_4', 'product_3', 5, 5),
      tx('user_5', 'product_3', 7, 6),
      tx('user_6', 'product_4', 8, 7), // user_4 (5) drops out of the top 5
      tx('user_1', 'product_1', 0.5, 8),
      tx('user_4', 'product_5', 100, 9), // user_4 comes back on top with 105
    ];
    for (const t of input) driver.send('transactions', t, { key: t.user_id, timestamp: Date.parse(t.timestamp) });

    const user1 = driver.read('customer-spend').filter((r) => r.key === 'user_1').map((r) => r.value);
    expect(user1.map((c) => [c.spend, c.orders, c.average_order, c.products])).toEqual([
      [10, 1, 10, 1],
      [35.5, 2, 17.75, 2],
      [36, 3, 12, 2],
    ]);
    expect(user1[2].last_seen).toBe('2026-11-23T00:00:08.000Z');

    const rankings = driver.read('top-customers').map((r) => r.value.top.map((c: { user_id: string; spend: number }) => `${c.user_id}=${c.spend}`).join(' '));
    expect(rankings).toHaveLength(input.length);
    expect(rankings[6]).toBe('user_2=50 user_1=35.5 user_3=30 user_6=8 user_5=7');
    expect(rankings[8]).toBe('user_4=105 user_2=50 user_1=36 user_3=30 user_6=8');
    expect(latestTop.top.map((c) => [c.user_id, c.spend, c.orders])).toEqual([
      ['user_4', 105, 2],
      ['user_2', 50, 1],
      ['user_1', 36, 3],
      ['user_3', 30, 1],
      ['user_6', 8, 1],
    ]);
    expect(formatTopCustomers(latestTop.top).split('\n')[1]).toBe('  1. user_4           105.00      2 orders');
  });

  it('rankCustomer replaces a user already ranked and breaks ties by user id', () => {
    const top = [
      { user_id: 'b', spend: 5, orders: 1 },
      { user_id: 'a', spend: 3, orders: 1 },
    ];
    expect(rankCustomer(top, { user_id: 'a', spend: 5, orders: 2 }, 2)).toEqual([
      { user_id: 'a', spend: 5, orders: 2 },
      { user_id: 'b', spend: 5, orders: 1 },
    ]);
  });
});

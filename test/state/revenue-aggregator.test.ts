import { faker } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import { createRevenueAggregator, formatRevenueTable, rankProducts } from '../../apps/revenue-aggregator.ts';
import { makeTransaction } from '../../apps/transactions-producer.ts';
import { TestDriver } from '../../src/testing/test-driver.ts';

const tx = (user: string, product: string, amount: number, iso: string) => ({ transaction_id: `${user}-${iso}`, user_id: user, product_id: product, amount, timestamp: iso });

describe('revenue-aggregator app', () => {
  it('totals revenue and orders per product across users and partitions, and per minute', () => {
    const { app, latest } = createRevenueAggregator({ logLevel: 'silent' });
    const driver = new TestDriver(app);
    const input = [
      tx('user_1', 'product_1', 10.5, '2026-11-23T00:00:05.000Z'),
      tx('user_2', 'product_2', 99.99, '2026-11-23T00:00:20.000Z'),
      tx('user_3', 'product_1', 20, '2026-11-23T00:00:50.000Z'),
      tx('user_4', 'product_1', 4.25, '2026-11-23T00:01:10.000Z'),
      tx('user_5', 'product_2', 1, '2026-11-23T00:02:30.000Z'),
      tx('user_6', 'product_1', 1, '2026-11-23T00:02:31.000Z'),
    ];
    for (const t of input) driver.send('transactions', t, { key: t.user_id, timestamp: Date.parse(t.timestamp) });

    const totals = driver.read('product-revenue').map((r) => [r.key, r.value.revenue, r.value.orders]);
    expect(totals.filter(([k]) => k === 'product_1')).toEqual([['product_1', 10.5, 1], ['product_1', 30.5, 2], ['product_1', 34.75, 3], ['product_1', 35.75, 4]]);
    expect(totals.filter(([k]) => k === 'product_2')).toEqual([['product_2', 99.99, 1], ['product_2', 100.99, 2]]);
    expect(rankProducts(latest.values()).map((p) => [p.product_id, p.revenue, p.orders])).toEqual([['product_2', 100.99, 2], ['product_1', 35.75, 4]]);
    expect(formatRevenueTable(rankProducts(latest.values())).split('\n')).toEqual([
      'revenue by product:',
      '  1. product_2          100.99       2 orders',
      '  2. product_1           35.75       4 orders',
    ]);

    const minute0 = Date.parse('2026-11-23T00:00:00.000Z');
    const perMinute = driver.read('product-revenue-per-minute').map((r) => [r.key, r.timestamp, r.value]);
    expect(perMinute).toEqual(expect.arrayContaining([
      ['product_1', minute0, { start: minute0, end: minute0 + 60_000, revenue: 30.5, orders: 2 }],
      ['product_1', minute0 + 60_000, { start: minute0 + 60_000, end: minute0 + 120_000, revenue: 4.25, orders: 1 }],
    ]));
    // product_2's partition closes its first minute too once its watermark passes 00:01:05
    expect(perMinute.filter(([k]) => k === 'product_2')).toEqual([['product_2', minute0, { start: minute0, end: minute0 + 60_000, revenue: 99.99, orders: 1 }]]);
    expect(perMinute.length).toBe(3);
  });

  it('makeTransaction yields the exercise fields', () => {
    faker.seed(7);
    const t = makeTransaction(faker, new Date('2026-11-23T00:00:00Z'));
    expect(Object.keys(t)).toEqual(['transaction_id', 'user_id', 'product_id', 'amount', 'timestamp']);
    expect(t.user_id).toMatch(/^user_\d+$/);
    expect(t.product_id).toMatch(/^product_\d+$/);
    expect(t.amount).toBeGreaterThanOrEqual(5);
    expect(t.timestamp).toBe('2026-11-23T00:00:00.000Z');
  });
});

import { describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import type { State } from '../../src/state/base/state.ts';
import { TestDriver } from '../../src/testing/test-driver.ts';

interface Order {
  product_id: string;
  amount: number;
}

const app = (group = 'g') => new Application({ consumerGroup: group, logLevel: 'silent' });

describe('stateful dataframe steps', () => {
  it('apply/update/filter with { stateful: true } keep state per message key', () => {
    const a = app();
    const orders = a.topic<Order>('orders');
    const out = a.topic<{ key: string; n: number }>('counts');
    a.dataframe(orders)
      .update((_o: Order, state: State) => state.set('seen', state.get('seen', 0) + 1), { stateful: true })
      .filter((_o, state) => state.get<number>('seen')! <= 2, { stateful: true })
      .apply((o, state, ctx) => ({ key: String(ctx.key), n: state.get<number>('seen')! }), { stateful: true })
      .toTopic(out);
    const driver = new TestDriver(a);
    for (const k of ['u1', 'u2', 'u1', 'u1']) driver.send('orders', { product_id: 'p', amount: 1 }, { key: k });
    expect(driver.read('counts').map((r) => [r.key, r.value])).toEqual([
      ['u1', { key: 'u1', n: 1 }],
      ['u2', { key: 'u2', n: 1 }],
      ['u1', { key: 'u1', n: 2 }],
    ]);
    const changelog = driver.read('changelog__g--orders--default');
    expect(changelog.length).toBe(4);
    expect(changelog.at(-1)!.headers).toEqual({ 'sluice.source.offset': '3' });
  });

  it('sdf.test runs a stateful step with private in-memory state', () => {
    const a = app();
    const sdf = a.dataframe(a.topic<Order>('orders')).apply((o, state) => {
      state.set('last', o.amount);
      return state.get('last');
    }, { stateful: true });
    expect(sdf.test({ product_id: 'p', amount: 7 }, { key: 'k' }).map((r) => r.value)).toEqual([7]);
  });

  it('groupBy re-keys through a repartition topic so state per new key sums over all partitions', () => {
    const a = app('rev');
    const orders = a.topic<Order>('orders', { config: { numPartitions: 3 } });
    const totals = a.topic<{ product_id: string; revenue: number }>('totals');
    a.dataframe(orders)
      .groupBy('product_id')
      .apply((o, state: State) => {
        const revenue = state.get('revenue', 0) + o.amount;
        state.set('revenue', revenue);
        return { product_id: o.product_id, revenue };
      }, { stateful: true })
      .toTopic(totals);
    const driver = new TestDriver(a);
    const sends: Array<[string, string, number]> = [['user-1', 'p1', 10], ['user-2', 'p1', 5], ['user-3', 'p2', 1], ['user-4', 'p1', 2.5]];
    for (const [user, product, amount] of sends) driver.send('orders', { product_id: product, amount }, { key: user });
    const repartitioned = driver.read('repartition__rev--orders--product_id');
    expect(repartitioned.map((r) => r.key)).toEqual(expect.arrayContaining(['p1', 'p1', 'p2', 'p1']));
    expect(new Set(repartitioned.filter((r) => r.key === 'p1').map((r) => r.partition)).size).toBe(1);
    const results = driver.read('totals').map((r) => [r.key, r.value.revenue]);
    expect(results.filter(([k]) => k === 'p1')).toEqual([['p1', 10], ['p1', 15], ['p1', 17.5]]);
    expect(results.filter(([k]) => k === 'p2')).toEqual([['p2', 1]]);
    expect(a.topics.get('repartition__rev--orders--product_id')?.config.numPartitions).toBe(3);
    expect(a.topics.get('changelog__rev--repartition__rev--orders--product_id--default')?.config.extra).toEqual({ 'cleanup.policy': 'compact' });
  });

  it('groupBy on a single-partition topic re-keys in place', () => {
    const a = app();
    const orders = a.topic<Order>('orders');
    a.dataframe(orders).groupBy((o) => o.product_id.toUpperCase(), { name: 'upper' }).toTopic(a.topic('out'));
    const driver = new TestDriver(a);
    driver.send('orders', { product_id: 'p1', amount: 1 }, { key: 'u' });
    expect(driver.read('out').map((r) => r.key)).toEqual(['P1']);
    expect(a.topics.all().map((t) => t.name)).not.toContain('repartition__g--orders--upper');
  });
});

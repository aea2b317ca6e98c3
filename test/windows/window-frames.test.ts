import { describe, expect, it } from 'vitest';
import { createRevenueAggregator } from '../../apps/revenue-aggregator.ts';
import { Application } from '../../src/app/application.ts';
import { emptyStats } from '../../src/app/processing-stats.ts';
import { compilePipeline } from '../../src/dataframe/compile-pipeline.ts';
import type { Row } from '../../src/dataframe/row.ts';
import { ConfigError } from '../../src/errors.ts';
import type { State } from '../../src/state/base/state.ts';
import { StateManager } from '../../src/state/state-manager.ts';
import { TestDriver } from '../../src/testing/test-driver.ts';
import { agg } from '../../src/windows/aggregations/agg.ts';
import { Count } from '../../src/windows/aggregations/count.ts';
import { Sum } from '../../src/windows/aggregations/sum.ts';
import type { LateRecord } from '../../src/windows/window-types.ts';

interface Order {
  product_id: string;
  amount: number;
}

const app = (group = 'g') => new Application({ consumerGroup: group, logLevel: 'silent' });
const rows = (driver: TestDriver, topic: string) => driver.read(topic).map((r) => [r.key, r.timestamp, r.value]);

describe('windows on the dataframe', () => {
  it('tumblingWindow(...).agg(...).final() emits each window once with timestamp = window start', () => {
    const a = app();
    const orders = a.topic<Order>('orders');
    a.dataframe(orders).tumblingWindow({ duration: '1m' }).agg({ revenue: Sum('amount'), orders: Count() }).final().toTopic(a.topic('per-minute'));
    const driver = new TestDriver(a);
    driver.send('orders', { product_id: 'p', amount: 10 }, { key: 'p', timestamp: 1_000 });
    driver.send('orders', { product_id: 'p', amount: 5 }, { key: 'p', timestamp: 59_999 });
    driver.send('orders', { product_id: 'p', amount: 1 }, { key: 'p', timestamp: 60_000 });
    driver.send('orders', { product_id: 'q', amount: 2 }, { key: 'q', timestamp: 130_000 });
    expect(rows(driver, 'per-minute')).toEqual([
      ['p', 0, { start: 0, end: 60_000, revenue: 15, orders: 2 }],
      ['p', 60_000, { start: 60_000, end: 120_000, revenue: 1, orders: 1 }],
    ]);
  });

  it('current() emits every update; hopping, sliding, session and count windows run on the frame', () => {
    const a = app();
    const root = a.dataframe(a.topic<number>('nums'));
    root.tumblingWindow({ duration: 10 }).sum().current().toTopic(a.topic('tumbling'));
    root.hoppingWindow({ duration: 10, step: 5 }).count().current().toTopic(a.topic('hopping'));
    root.slidingWindow({ duration: 5 }).sum().current().toTopic(a.topic('sliding'));
    root.sessionWindow({ gap: 4 }).collect().final().toTopic(a.topic('session'));
    root.tumblingCountWindow(2).sum().final().toTopic(a.topic('count'));
    const driver = new TestDriver(a);
    for (const [v, ts] of [[1, 1], [2, 3], [3, 12]]) driver.send('nums', v, { key: 'k', timestamp: ts });
    const values = (t: string) => driver.read(t).map((r) => r.value);
    expect(values('tumbling')).toEqual([{ start: 0, end: 10, value: 1 }, { start: 0, end: 10, value: 3 }, { start: 10, end: 20, value: 3 }]);
    expect(values('hopping')).toEqual([
      { start: -5, end: 5, value: 1 }, { start: 0, end: 10, value: 1 },
      { start: -5, end: 5, value: 2 }, { start: 0, end: 10, value: 2 },
      { start: 5, end: 15, value: 1 }, { start: 10, end: 20, value: 1 },
    ]);
    expect(values('sliding')).toEqual([{ start: -4, end: 1, value: 1 }, { start: -2, end: 3, value: 3 }, { start: 7, end: 12, value: 3 }]);
    expect(values('session')).toEqual([{ start: 1, end: 7, value: [1, 2] }]);
    expect(values('count')).toEqual([{ start: 1, end: 3, value: 3 }]);
  });

  it('final({ idleTimeout }) closes the windows of an idle partition when the driver advances wall time', () => {
    const a = app();
    a.dataframe(a.topic<Order>('orders')).tumblingWindow({ duration: '1m' }).sum('amount').final({ idleTimeout: '10s' }).toTopic(a.topic('per-minute'));
    const driver = new TestDriver(a);
    driver.send('orders', { product_id: 'p', amount: 3 }, { key: 'p', timestamp: 5_000 });
    driver.send('orders', { product_id: 'p', amount: 4 }, { key: 'p', timestamp: 6_000 });
    driver.advanceTime(9_999);
    expect(driver.read('per-minute')).toEqual([]);
    driver.advanceTime(1);
    expect(rows(driver, 'per-minute')).toEqual([['p', 0, { start: 0, end: 60_000, value: 7 }]]);
    driver.advanceTime(60_000);
    driver.send('orders', { product_id: 'p', amount: 100 }, { key: 'p', timestamp: 7_000 }); // late: its window was closed
    driver.advanceTime(60_000);
    expect(driver.read('per-minute').length).toBe(1);
    // the close was changelogged like any other state change
    expect(driver.read('changelog__g--orders--tumbling_window_60000_sum_amount').length).toBeGreaterThan(0);
  });
});

describe('window store names', () => {
  it('gives windows of one kind and size but different aggregations their own stores', () => {
    const a = app();
    const root = a.dataframe(a.topic<Order>('orders'));
    root.tumblingWindow({ duration: '1m' }).sum('amount').final().toTopic(a.topic('sums'));
    root.tumblingWindow({ duration: '1m' }).count().final().toTopic(a.topic('counts'));
    root.tumblingWindow({ duration: '1m' }).agg({ revenue: Sum('amount'), orders: Count() }).current().toTopic(a.topic('both'));
    const driver = new TestDriver(a);
    for (const [amount, ts] of [[10, 1_000], [5, 30_000], [1, 60_000]]) driver.send('orders', { product_id: 'p', amount }, { key: 'p', timestamp: ts });
    expect(rows(driver, 'sums')).toEqual([['p', 0, { start: 0, end: 60_000, value: 15 }]]);
    expect(rows(driver, 'counts')).toEqual([['p', 0, { start: 0, end: 60_000, value: 2 }]]);
    expect(rows(driver, 'both').map(([, , v]) => v)).toEqual([
      { start: 0, end: 60_000, revenue: 10, orders: 1 },
      { start: 0, end: 60_000, revenue: 15, orders: 2 },
      { start: 60_000, end: 120_000, revenue: 1, orders: 1 },
    ]);
    expect(a.topics.all().map((t) => t.name).filter((n) => n.startsWith('changelog__')).sort()).toEqual([
      'changelog__g--orders--tumbling_window_60000_count',
      'changelog__g--orders--tumbling_window_60000_revenue-sum_amount.orders-count',
      'changelog__g--orders--tumbling_window_60000_sum_amount',
    ]);
  });

  it('rejects a second window with the same store name on one input topic, naming the store', () => {
    const a = app();
    const orders = a.topic<Order>('orders');
    const root = a.dataframe(orders);
    root.tumblingWindow({ duration: '1m' }).sum('amount').final();
    const again = () => root.filter((o) => o.amount > 0).tumblingWindow({ duration: 60_000 }).sum('amount').current();
    expect(again).toThrow(ConfigError);
    expect(again).toThrow('Window store "tumbling_window_60000_sum_amount" on topic "orders" is already used by another window or stateful step; their state would mix. Pass option "name" to give this window its own store, e.g. { name: \'tumbling_window_60000_sum_amount_2\' }.');
    // the same window on another topic, or with its own name, is fine
    expect(() => a.dataframe(a.topic<Order>('refunds')).tumblingWindow({ duration: '1m' }).sum('amount').final()).not.toThrow();
    expect(() => root.tumblingWindow({ duration: '1m', name: 'running_sum' }).sum('amount').current()).not.toThrow();
    // a window may not take the store of a stateful step either
    root.apply((o: Order, state: State) => state.get('n', 0), { stateful: true, store: 'counts' });
    expect(() => root.slidingCountWindow(3, { name: 'counts' }).count().current()).toThrow(/Window store "counts" on topic "orders"/);
  });
});

describe('count windows on the dataframe', () => {
  const records: Array<[key: string, value: number, ts: number]> = [['k', 1, 1], ['k', 2, 2], ['j', 100, 10], ['k', 3, 3], ['k', 4, 4], ['k', 5, 5]];

  it('hoppingCountWindow(count, step) and slidingCountWindow(count) emit exact windows in both modes', () => {
    const a = app();
    const root = a.dataframe(a.topic<number>('nums'));
    root.hoppingCountWindow(3, 2).sum().current().toTopic(a.topic('hopping-current'));
    root.hoppingCountWindow(3, 2, { name: 'hopping_final' }).sum().final().toTopic(a.topic('hopping-final'));
    root.slidingCountWindow(3).sum().current().toTopic(a.topic('sliding-current'));
    root.slidingCountWindow(3, { name: 'sliding_final' }).sum().final().toTopic(a.topic('sliding-final'));
    root.tumblingCountWindow(2).agg({ total: Sum(), n: Count() }).final().toTopic(a.topic('tumbling-final'));
    const driver = new TestDriver(a);
    for (const [key, v, ts] of records) driver.send('nums', v, { key, timestamp: ts });
    const w = (key: string, start: number, end: number, value: number) => [key, start, { start, end, value }];
    expect(rows(driver, 'hopping-current')).toEqual([
      w('k', 1, 1, 1), w('k', 1, 2, 3), w('j', 10, 10, 100), w('k', 1, 3, 6), w('k', 3, 3, 3), w('k', 3, 4, 7), w('k', 3, 5, 12), w('k', 5, 5, 5),
    ]);
    expect(rows(driver, 'hopping-final')).toEqual([w('k', 1, 3, 6), w('k', 3, 5, 12)]);
    expect(rows(driver, 'sliding-current')).toEqual([w('k', 1, 1, 1), w('k', 1, 2, 3), w('j', 10, 10, 100), w('k', 1, 3, 6), w('k', 2, 4, 9), w('k', 3, 5, 12)]);
    expect(rows(driver, 'sliding-final')).toEqual([w('k', 1, 3, 6), w('k', 2, 4, 9), w('k', 3, 5, 12)]);
    expect(rows(driver, 'tumbling-final')).toEqual([['k', 1, { start: 1, end: 2, total: 3, n: 2 }], ['k', 3, { start: 3, end: 4, total: 7, n: 2 }]]);
  });

  it('rejects a step outside 1..count', () => {
    const root = app().dataframe(app().topic<number>('nums'));
    expect(() => root.hoppingCountWindow(3, 4).sum()).toThrow('Count window has count 3 and step 4; pass integers with 1 <= step <= count.');
  });
});

describe('late records on the dataframe', () => {
  it('sliding windows take an out-of-order record into the open windows containing it (current and final)', () => {
    const a = app();
    const late: LateRecord[] = [];
    const root = a.dataframe(a.topic<number>('nums'));
    root.slidingWindow({ duration: 10, onLate: (r) => late.push(r) }).sum().current().toTopic(a.topic('current'));
    root.slidingWindow({ duration: 10, name: 'sliding_final' }).sum().final().toTopic(a.topic('final'));
    const driver = new TestDriver(a);
    for (const [v, ts] of [[1, 100], [2, 105], [4, 104], [8, 116], [16, 105], [32, 106], [200, 130]]) driver.send('nums', v, { key: 'k', timestamp: ts });
    const w = (start: number, end: number, value: number) => ({ start, end, value });
    expect(driver.read('current').map((r) => r.value)).toEqual([w(90, 100, 1), w(95, 105, 3), w(95, 105, 7), w(106, 116, 8), w(106, 116, 40), w(120, 130, 200)]);
    expect(driver.read('final').map((r) => r.value)).toEqual([w(90, 100, 1), w(95, 105, 7), w(106, 116, 40)]);
    expect(late).toEqual([{ key: 'k', value: 16, timestamp: 105, watermark: 116 }]);
  });

  it('session windows take a record into the open session it falls in and report the others to onLate', () => {
    const a = app();
    const late: LateRecord[] = [];
    const root = a.dataframe(a.topic<string>('clicks'));
    root.sessionWindow({ gap: 10, onLate: (r) => late.push(r) }).collect().current().toTopic(a.topic('current'));
    root.sessionWindow({ gap: '10ms', name: 'sessions_final' }).collect().final().toTopic(a.topic('final'));
    const driver = new TestDriver(a);
    for (const [v, ts] of [['a', 0], ['b', 9], ['c', 18], ['d', 5], ['e', 40], ['f', 29], ['g', 31], ['x', 100]] as const) driver.send('clicks', v, { key: 'u', timestamp: ts });
    const s = (start: number, end: number, value: string[]) => ['u', start, { start, end, value }];
    expect(rows(driver, 'current')).toEqual([
      s(0, 10, ['a']), s(0, 19, ['a', 'b']), s(0, 28, ['a', 'b', 'c']), s(0, 28, ['a', 'b', 'c', 'd']), s(40, 50, ['e']), s(31, 50, ['g', 'e']), s(100, 110, ['x']),
    ]);
    expect(rows(driver, 'final')).toEqual([s(0, 28, ['a', 'b', 'c', 'd']), s(31, 50, ['g', 'e'])]);
    expect(late).toEqual([{ key: 'u', value: 'f', timestamp: 29, watermark: 40 }]);
  });

  it('onLate gets each dropped record; the pipeline stats count them in lateRecords', () => {
    const a = app();
    const late: LateRecord[] = [];
    const orders = a.topic<Order>('orders');
    const windowed = a.dataframe(orders).tumblingWindow({ duration: 1000, grace: 500, onLate: (r) => late.push(r) }).count().final();
    const stats = emptyStats();
    const state = new StateManager({ consumerGroup: 'g', inMemory: true, changelog: false, autoAssign: true });
    const out: unknown[] = [];
    const pipeline = compilePipeline([windowed.node], { produce: () => {}, fail: (e) => { throw e; }, state, stats }, (_t, row) => out.push(row.value));
    const send = (offset: number, key: string, product: string, timestamp: number) => {
      const row: Row = { value: { product_id: product, amount: 1 }, ctx: { key, timestamp, headers: {}, topic: 'orders', partition: 0, offset } };
      for (const input of pipeline.inputs.get('orders')!) input.next(row);
    };
    send(0, 'k', 'a', 900);
    send(1, 'k', 'b', 1_600); // watermark 1100 closes [0,1000)
    send(2, 'k', 'c', 999);
    send(3, 'other', 'd', 400);
    send(4, 'k', 'e', 1_100);
    expect(out).toEqual([{ start: 0, end: 1000, value: 1 }]);
    expect(late).toEqual([
      { key: 'k', value: { product_id: 'c', amount: 1 }, timestamp: 999, watermark: 1100 },
      { key: 'other', value: { product_id: 'd', amount: 1 }, timestamp: 400, watermark: 1100 },
    ]);
    expect(stats.lateRecords).toBe(2);
    pipeline.dispose();
  });
});

describe('revenue-aggregator per-minute window', () => {
  it('emits the last minute once the partition has been quiet for 30 s of wall time', () => {
    const { app: revenue } = createRevenueAggregator({ logLevel: 'silent' });
    const driver = new TestDriver(revenue);
    const minute0 = Date.parse('2026-11-23T00:00:00.000Z');
    for (const [user, amount, at] of [['user_1', 10.5, 5_000], ['user_2', 20, 50_000]] as const) {
      driver.send('transactions', { transaction_id: `${user}-${at}`, user_id: user, product_id: 'product_1', amount, timestamp: new Date(minute0 + at).toISOString() }, { key: user });
    }
    driver.advanceTime(29_999);
    expect(driver.read('product-revenue-per-minute')).toEqual([]);
    driver.advanceTime(1);
    expect(rows(driver, 'product-revenue-per-minute')).toEqual([['product_1', minute0, { start: minute0, end: minute0 + 60_000, revenue: 30.5, orders: 2 }]]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Aggregator } from '../../src/windows/aggregations/aggregator.ts';
import { agg } from '../../src/windows/aggregations/agg.ts';
import { Collect } from '../../src/windows/aggregations/collect.ts';
import { Count } from '../../src/windows/aggregations/count.ts';
import { Max } from '../../src/windows/aggregations/max.ts';
import { Mean } from '../../src/windows/aggregations/mean.ts';
import { Min } from '../../src/windows/aggregations/min.ts';
import { Reduce } from '../../src/windows/aggregations/reduce.ts';
import { Sum } from '../../src/windows/aggregations/sum.ts';
import { HoppingCountWindow } from '../../src/windows/hopping-count-window.ts';
import { HoppingWindow } from '../../src/windows/hopping-window.ts';
import { SessionWindow } from '../../src/windows/session-window.ts';
import { SlidingCountWindow } from '../../src/windows/sliding-count-window.ts';
import { SlidingWindow } from '../../src/windows/sliding-window.ts';
import { TumblingCountWindow } from '../../src/windows/tumbling-count-window.ts';
import { TumblingWindow } from '../../src/windows/tumbling-window.ts';
import { windowStoreName } from '../../src/windows/window-store-name.ts';

const custom: Aggregator<number, number, number> = { initial: () => 0, add: (a, v) => a + v, merge: (a, b) => a + b, result: (a) => a };

describe('default window store names', () => {
  it('name the kind, the sizes and the aggregation', () => {
    expect([
      new TumblingWindow({ duration: '1m', aggregation: Sum('amount') }).name,
      new TumblingWindow({ duration: '1m', aggregation: Sum() }).name,
      new HoppingWindow({ duration: '1m', step: '10s', aggregation: Mean('amount') }).name,
      new SlidingWindow({ duration: '30s', aggregation: Count() }).name,
      new SessionWindow({ gap: '30m', aggregation: Collect('page') }).name,
      new TumblingCountWindow({ count: 10, aggregation: Min('amount') }).name,
      new HoppingCountWindow({ count: 10, step: 5, aggregation: Max('amount') }).name,
      new SlidingCountWindow({ count: 5, aggregation: Reduce(0, (a: number, v: number) => a + v) }).name,
      new TumblingWindow({ duration: 1000, aggregation: custom }).name,
      new TumblingWindow({ duration: 1000, aggregation: agg({ revenue: Sum('amount'), orders: Count(), mine: custom }) }).name,
      new TumblingWindow({ duration: 1000, aggregation: Sum('unit price') }).name,
      new TumblingWindow({ duration: 1000, name: 'mine', aggregation: Sum() }).name,
    ]).toEqual([
      'tumbling_window_60000_sum_amount',
      'tumbling_window_60000_sum',
      'hopping_window_60000_10000_mean_amount',
      'sliding_window_30000_count',
      'session_window_1800000_collect_page',
      'tumbling_count_window_10_min_amount',
      'hopping_count_window_10_5_max_amount',
      'sliding_count_window_5_reduce',
      'tumbling_window_1000_custom',
      'tumbling_window_1000_revenue-sum_amount.orders-count.mine-custom',
      'tumbling_window_1000_sum_unit_price',
      'mine',
    ]);
  });

  it('cuts a label longer than 100 characters and ends it with a hash of the whole label', () => {
    const spec = (last: string) => agg(Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g', last].map((n) => [`field_${n}`, Sum(`amount_${n}`)])));
    const name = windowStoreName('tumbling_window_1000', spec('h'));
    expect(name).toBe('tumbling_window_1000_field_a-sum_amount_a.field_b-sum_amount_b.field_c-sum_amount_c.field_d-sum_amoun_' + name.slice(-8));
    expect(name.slice(-8)).toMatch(/^[0-9a-f]{8}$/);
    expect(windowStoreName('tumbling_window_1000', spec('h'))).toBe(name);
    expect(windowStoreName('tumbling_window_1000', spec('i'))).not.toBe(name);
  });
});

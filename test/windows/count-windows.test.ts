import { describe, expect, it } from 'vitest';
import { Sum } from '../../src/windows/aggregations/sum.ts';
import { HoppingCountWindow } from '../../src/windows/hopping-count-window.ts';
import { SlidingCountWindow } from '../../src/windows/sliding-count-window.ts';
import { TumblingCountWindow } from '../../src/windows/tumbling-count-window.ts';
import { fmt, makeFeeder } from './helpers.ts';

describe('count windows', () => {
  it('TumblingCountWindow closes every `count` records per key', () => {
    const f = makeFeeder(new TumblingCountWindow({ count: 2, aggregation: Sum() }));
    const out = f.feed([['a', 1, 10], ['b', 10, 11], ['a', 2, 12], ['a', 3, 13], ['a', 4, 9]]);
    expect(out.map((o) => fmt(o.updated))).toEqual([['a[10,10]=1'], ['b[11,11]=10'], ['a[10,12]=3'], ['a[13,13]=3'], ['a[9,13]=7']]);
    expect(out.map((o) => fmt(o.expired))).toEqual([[], [], ['a[10,12]=3'], [], ['a[9,13]=7']]);
  });

  it('HoppingCountWindow opens a window every `step` records', () => {
    const f = makeFeeder(new HoppingCountWindow({ count: 3, step: 2, aggregation: Sum() }));
    const out = f.feed([['k', 1, 1], ['k', 2, 2], ['k', 3, 3], ['k', 4, 4], ['k', 5, 5]]);
    expect(out.map((o) => fmt(o.updated))).toEqual([
      ['k[1,1]=1'], ['k[1,2]=3'], ['k[1,3]=6', 'k[3,3]=3'], ['k[3,4]=7'], ['k[3,5]=12', 'k[5,5]=5'],
    ]);
    expect(out.map((o) => fmt(o.expired))).toEqual([[], [], ['k[1,3]=6'], [], ['k[3,5]=12']]);
  });

  it('SlidingCountWindow aggregates the last `count` records; final only when full', () => {
    const f = makeFeeder(new SlidingCountWindow({ count: 3, aggregation: Sum() }));
    const out = f.feed([['k', 1, 1], ['k', 2, 2], ['k', 3, 3], ['k', 4, 4]]);
    expect(out.map((o) => fmt(o.updated))).toEqual([['k[1,1]=1'], ['k[1,2]=3'], ['k[1,3]=6'], ['k[2,4]=9']]);
    expect(out.map((o) => fmt(o.expired))).toEqual([[], [], ['k[1,3]=6'], ['k[2,4]=9']]);
  });
});

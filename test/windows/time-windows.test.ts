import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { Collect } from '../../src/windows/aggregations/collect.ts';
import { Count } from '../../src/windows/aggregations/count.ts';
import { Reduce } from '../../src/windows/aggregations/reduce.ts';
import { Sum } from '../../src/windows/aggregations/sum.ts';
import { agg } from '../../src/windows/aggregations/agg.ts';
import { Mean } from '../../src/windows/aggregations/mean.ts';
import { Max } from '../../src/windows/aggregations/max.ts';
import { Min } from '../../src/windows/aggregations/min.ts';
import { HoppingWindow } from '../../src/windows/hopping-window.ts';
import { SessionWindow } from '../../src/windows/session-window.ts';
import { SlidingWindow } from '../../src/windows/sliding-window.ts';
import { TumblingWindow } from '../../src/windows/tumbling-window.ts';
import type { LateRecord } from '../../src/windows/window-types.ts';
import { windowResult } from '../../src/windows/window-types.ts';
import { fmt, makeFeeder } from './helpers.ts';

describe('TumblingWindow', () => {
  it('updates one window per record and closes it once the watermark reaches its end', () => {
    const w = new TumblingWindow({ duration: '1s', aggregation: Sum('amount') });
    expect(w.name).toBe('tumbling_window_1000_sum_amount');
    const f = makeFeeder(w);
    const out = f.feed([
      ['p1', { amount: 5 }, 100],
      ['p2', { amount: 1 }, 400],
      ['p1', { amount: 7 }, 999],
      ['p1', { amount: 2 }, 1000],
      ['p2', { amount: 3 }, 2500],
    ]);
    expect(out.map((o) => fmt(o.updated))).toEqual([
      ['p1[0,1000]=5'], ['p2[0,1000]=1'], ['p1[0,1000]=12'], ['p1[1000,2000]=2'], ['p2[2000,3000]=3'],
    ]);
    expect(out.map((o) => fmt(o.expired))).toEqual([[], [], [], ['p1[0,1000]=12', 'p2[0,1000]=1'], ['p1[1000,2000]=2']]);
    // all state of closed windows is gone
    const left = f.run((v) => [...v.scan(['w'])].map(([k]) => k));
    expect(left).toEqual([['w', 'p2', 2000]]);
  });

  it('accepts out-of-order records within grace and drops later ones as late', () => {
    const late: LateRecord[] = [];
    const w = new TumblingWindow({ duration: 1000, grace: '500ms', aggregation: Count(), onLate: (r) => late.push(r) });
    const f = makeFeeder(w);
    const out = f.feed([
      ['k', 'a', 900],
      ['k', 'b', 1400], // wm = 900
      ['k', 'c', 950], // window [0,1000) still open (end 1000 > wm 900)
      ['k', 'd', 1500], // wm = 1000 -> closes [0,1000)
      ['k', 'e', 999], // late: its window ended at 1000 <= wm
    ]);
    expect(out.map((o) => fmt(o.updated))).toEqual([['k[0,1000]=1'], ['k[1000,2000]=1'], ['k[0,1000]=2'], ['k[1000,2000]=2'], []]);
    expect(out.map((o) => fmt(o.expired))).toEqual([[], [], [], ['k[0,1000]=2'], []]);
    expect(out.map((o) => o.late)).toEqual([false, false, false, false, true]);
    expect(late).toEqual([{ key: 'k', value: 'e', timestamp: 999, watermark: 1000 }]);
    expect(w.lateCount).toBe(1);
  });

  it('closes every open window on closeAll and treats records for them as late afterwards', () => {
    const w = new TumblingWindow({ duration: 1000, grace: 1000, aggregation: Sum() });
    const f = makeFeeder(w);
    f.feed([['a', 1, 10], ['b', 2, 1500]]);
    expect(fmt(f.closeAll())).toEqual(['a[0,1000]=1', 'b[1000,2000]=2']);
    const after = f.feed([['b', 5, 1999], ['b', 6, 2000]]);
    expect(after.map((o) => o.late)).toEqual([true, false]);
    expect(fmt(after[1].updated)).toEqual(['b[2000,3000]=6']);
  });

  it('formats results as { start, end, value } or spreads agg() results', () => {
    const spec = agg({ revenue: Sum('amount'), orders: Count(), avg: Mean('amount'), min: Min('amount'), max: Max('amount') });
    const f = makeFeeder(new TumblingWindow({ duration: '1m', aggregation: spec }));
    const [, second] = f.feed([['p', { amount: 10 }, 60_000], ['p', { amount: 20 }, 61_000]]);
    expect(windowResult(second.updated[0], spec)).toEqual({ start: 60_000, end: 120_000, revenue: 30, orders: 2, avg: 15, min: 10, max: 20 });
    expect(windowResult({ key: 'k', start: 0, end: 5, value: 3 }, Sum())).toEqual({ start: 0, end: 5, value: 3 });
  });
});

describe('HoppingWindow', () => {
  it('puts a record into every overlapping window and closes them in end order', () => {
    const w = new HoppingWindow({ duration: '30s', step: '10s', aggregation: Collect() });
    expect(w.windowStarts(25_000)).toEqual([0, 10_000, 20_000]);
    const f = makeFeeder(w);
    const out = f.feed([
      ['k', 'a', 5_000],
      ['k', 'b', 25_000],
      ['k', 'c', 40_000],
    ]);
    expect(out.map((o) => fmt(o.updated))).toEqual([
      ['k[-20000,10000]=["a"]', 'k[-10000,20000]=["a"]', 'k[0,30000]=["a"]'],
      ['k[0,30000]=["a","b"]', 'k[10000,40000]=["b"]', 'k[20000,50000]=["b"]'],
      ['k[20000,50000]=["b","c"]', 'k[30000,60000]=["c"]', 'k[40000,70000]=["c"]'],
    ]);
    expect(out.map((o) => fmt(o.expired))).toEqual([
      [],
      ['k[-20000,10000]=["a"]', 'k[-10000,20000]=["a"]'],
      ['k[0,30000]=["a","b"]', 'k[10000,40000]=["b"]'],
    ]);
  });

  it('updates only the still-open windows of a record whose oldest windows closed', () => {
    const f = makeFeeder(new HoppingWindow({ duration: 20, step: 10, aggregation: Sum() }));
    const out = f.feed([['k', 1, 30], ['k', 2, 15]]); // wm 30: [0,20) closed, [10,30) closed -> late
    expect(out[1].late).toBe(true);
    const again = f.feed([['k', 4, 25]]); // [10,30) closed, [20,40) open
    expect(fmt(again[0].updated)).toEqual(['k[20,40]=5']);
  });

  it('rejects a step longer than the duration', () => {
    expect(() => new HoppingWindow({ duration: '10s', step: '20s', aggregation: Sum() })).toThrow(ConfigError);
  });
});

describe('SlidingWindow', () => {
  it('emits the window ending at each record and re-emits windows an out-of-order record joins', () => {
    const w = new SlidingWindow({ duration: 10, grace: 100, aggregation: Sum() });
    const f = makeFeeder(w);
    const out = f.feed([
      ['k', 1, 100],
      ['k', 2, 105],
      ['k', 4, 120],
      ['k', 8, 112], // joins [110,120]; its own window [102,112] holds 2 (at 105) and 8
    ]);
    expect(out.map((o) => fmt(o.updated))).toEqual([
      ['k[90,100]=1'],
      ['k[95,105]=3'],
      ['k[110,120]=4'],
      ['k[102,112]=10', 'k[110,120]=12'],
    ]);
  });

  it('closes the window ending at t once the watermark passes t, then purges old records', () => {
    const w = new SlidingWindow({ duration: 10, aggregation: Sum() });
    const f = makeFeeder(w);
    const out = f.feed([['k', 1, 100], ['k', 2, 105], ['k', 4, 130]]);
    expect(fmt(out[1].expired)).toEqual(['k[90,100]=1']);
    expect(fmt(out[2].expired)).toEqual(['k[95,105]=3']);
    expect(out[2].updated.map((e) => e.value)).toEqual([4]);
    const raw = f.run((v) => [...v.scan(['r'])].map(([k]) => k[2]));
    expect(raw).toEqual([130]);
    // 129's own window closed, but [120,130] is open and takes it; 119 fits no open window
    const [stray, late] = f.feed([['k', 9, 129], ['k', 16, 119]]);
    expect([stray.late, fmt(stray.updated), late.late]).toEqual([false, ['k[120,130]=13'], true]);
  });

  it('takes a record whose own window closed into the open later windows, without indexing its own', () => {
    const late: LateRecord[] = [];
    const w = new SlidingWindow({ duration: 10, aggregation: Sum(), onLate: (r) => late.push(r) });
    const f = makeFeeder(w);
    const index = () => f.run((v) => [...v.scan(['e'])].map(([k]) => k.slice(1)));
    const raw = () => f.run((v) => [...v.scan(['r'])].map(([k]) => k[2]));
    const [a, b, c] = f.feed([['k', 1, 100], ['k', 2, 105], ['k', 4, 104]]);
    expect([fmt(a.updated), fmt(b.updated), fmt(c.updated)]).toEqual([['k[90,100]=1'], ['k[95,105]=3'], ['k[95,105]=7']]);
    expect([fmt(b.expired), c.late, fmt(c.expired)]).toEqual([['k[90,100]=1'], false, []]);
    // wm 105: the window ending at 105 closes at 106; each raw record has a purge entry at t + 11
    expect(index()).toEqual([[106, 'k', 95], [111, 'k', -Infinity], [115, 'k', -Infinity], [116, 'k', -Infinity]]);
    expect(raw()).toEqual([100, 104, 105]);

    const [d, e, g] = f.feed([['k', 8, 116], ['k', 16, 105], ['k', 32, 106]]);
    expect(fmt(d.expired)).toEqual(['k[95,105]=7']);
    expect([e.late, fmt(e.updated)]).toEqual([true, []]);
    expect(late).toEqual([{ key: 'k', value: 16, timestamp: 105, watermark: 116 }]);
    expect([g.late, fmt(g.updated)]).toEqual([false, ['k[106,116]=40']]);
    expect(index()).toEqual([[117, 'k', -Infinity], [117, 'k', 106], [127, 'k', -Infinity]]);
    expect(raw()).toEqual([106, 116]);
    // closing [106,116] still sees 106, whose purge falls due at the same watermark
    expect(fmt(f.feed([['k', 200, 130]])[0].expired)).toEqual(['k[106,116]=40']);
    expect(raw()).toEqual([130]);
    expect(w.lateCount).toBe(1);
  });
});

describe('SessionWindow', () => {
  it('extends a session while records come within the gap and starts a new one after a gap', () => {
    const f = makeFeeder(new SessionWindow({ gap: 10, aggregation: Count() }));
    const out = f.feed([['u', 'a', 0], ['u', 'b', 9], ['u', 'c', 30], ['v', 'x', 31]]);
    expect(out.map((o) => fmt(o.updated))).toEqual([['u[0,10]=1'], ['u[0,19]=2'], ['u[30,40]=1'], ['v[31,41]=1']]);
    expect(fmt(out[2].expired)).toEqual(['u[0,19]=2']);
  });

  it('merges two sessions when a record bridges them', () => {
    const f = makeFeeder(new SessionWindow({ gap: 10, grace: 100, aggregation: Collect() }));
    const out = f.feed([['u', 'a', 0], ['u', 'c', 18], ['u', 'b', 9]]);
    expect(out.map((o) => fmt(o.updated))).toEqual([['u[0,10]=["a"]'], ['u[18,28]=["c"]'], ['u[0,28]=["a","b","c"]']]);
    const sessions = f.run((v) => [...v.scan(['s'])].map(([k, s]) => [k[2], (s as { end: number }).end]));
    expect(sessions).toEqual([[0, 28]]);
    expect(fmt(f.closeAll())).toEqual(['u[0,28]=["a","b","c"]']);
  });

  it('takes an old record into the open session it falls in and drops one that fits no open session', () => {
    const late: LateRecord[] = [];
    const f = makeFeeder(new SessionWindow({ gap: 10, aggregation: Collect(), onLate: (r) => late.push(r) }));
    const out = f.feed([['u', 'a', 0], ['u', 'b', 9], ['u', 'c', 18], ['u', 'd', 5], ['u', 'e', 40], ['u', 'f', 29], ['u', 'g', 31]]);
    // d: its own session [5,15) ended at wm 18, but the open session [0,28) contains it
    expect(out.map((o) => fmt(o.updated))).toEqual([
      ['u[0,10]=["a"]'], ['u[0,19]=["a","b"]'], ['u[0,28]=["a","b","c"]'], ['u[0,28]=["a","b","c","d"]'], ['u[40,50]=["e"]'], [], ['u[31,50]=["g","e"]'],
    ]);
    expect(out.map((o) => o.late)).toEqual([false, false, false, false, false, true, false]);
    expect(fmt(out[4].expired)).toEqual(['u[0,28]=["a","b","c","d"]']);
    expect(late).toEqual([{ key: 'u', value: 'f', timestamp: 29, watermark: 40 }]);
    expect(fmt(f.closeAll())).toEqual(['u[31,50]=["g","e"]']);
  });

  it('requires an aggregation that can merge', () => {
    expect(() => new SessionWindow({ gap: 10, aggregation: Reduce(0, (a: number, v: number) => a + v) })).toThrow(/merge/);
    expect(() => new SessionWindow({ gap: 10, aggregation: Reduce(0, (a: number, v: number) => a + v, (a, b) => a + b) })).not.toThrow();
  });
});

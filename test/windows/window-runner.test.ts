import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { InMemoryStateStore } from '../../src/state/memory/in-memory-state-store.ts';
import { Sum } from '../../src/windows/aggregations/sum.ts';
import { parseDuration } from '../../src/windows/parse-duration.ts';
import { TumblingWindow } from '../../src/windows/tumbling-window.ts';
import { ManualClock } from '../../src/windows/wall-clock.ts';
import { WindowRunner } from '../../src/windows/window-runner.ts';
import { fmt } from './helpers.ts';

describe('parseDuration', () => {
  it('reads milliseconds and unit strings', () => {
    expect([parseDuration(250), parseDuration('500ms'), parseDuration('10s'), parseDuration('1m'), parseDuration('1h'), parseDuration('1m30s')])
      .toEqual([250, 500, 10_000, 60_000, 3_600_000, 90_000]);
  });
  it('names the option in its error', () => {
    expect(() => parseDuration('10 minutes', 'grace')).toThrow(ConfigError);
    expect(() => parseDuration('10 minutes', 'grace')).toThrow(/Option "grace" has invalid duration "10 minutes"/);
    expect(() => parseDuration(-1)).toThrow(/duration/);
  });
});

describe('WindowRunner', () => {
  const store = () => new InMemoryStateStore({ topic: 't', partition: 0 });
  const step = <T>(s: InMemoryStateStore, f: (v: ReturnType<ReturnType<InMemoryStateStore['begin']>['view']>) => T): T => {
    const tx = s.begin();
    const out = f(tx.view('tumbling_window_1000_sum'));
    tx.commit();
    return out;
  };

  it('current() emits every update; final() emits each window once when it closes', () => {
    const records: Array<[string, number, number]> = [['k', 1, 100], ['k', 2, 200], ['k', 3, 1100]];
    for (const mode of ['current', 'final'] as const) {
      const runner = new WindowRunner(new TumblingWindow({ duration: 1000, aggregation: Sum() }), { mode });
      const s = store();
      const out = records.map(([k, v, ts]) => fmt(step(s, (view) => runner.process('t[0]', k, v, ts, view))));
      expect({ mode, out }).toEqual(
        mode === 'current'
          ? { mode, out: [['k[0,1000]=1'], ['k[0,1000]=3'], ['k[1000,2000]=3']] }
          : { mode, out: [[], [], ['k[0,1000]=3']] },
      );
    }
  });

  it('final({ idleTimeout }) closes the windows of a partition after wall-clock idleness', () => {
    const clock = new ManualClock(1_000_000);
    const runner = new WindowRunner(new TumblingWindow({ duration: 1000, aggregation: Sum() }), { mode: 'final', idleTimeout: '5s', clock });
    const s = store();
    expect(step(s, (v) => runner.process('t[0]', 'k', 4, 100, v))).toEqual([]);
    clock.advance(4_999);
    expect(runner.idlePartitions()).toEqual([]);
    clock.advance(1);
    expect(runner.idlePartitions()).toEqual(['t[0]']);
    expect(fmt(step(s, (v) => runner.closeIdle('t[0]', v)))).toEqual(['k[0,1000]=4']);
    expect(runner.idlePartitions()).toEqual([]);
    // a straggler for the closed window is late; nothing is emitted twice
    expect(step(s, (v) => runner.process('t[0]', 'k', 1, 900, v))).toEqual([]);
    expect(runner.window.lateCount).toBe(1);
  });

  it('track() starts idle time for an unseen partition once; forget() lets it be tracked again', () => {
    const clock = new ManualClock(0);
    const runner = new WindowRunner(new TumblingWindow({ duration: 1000, aggregation: Sum() }), { mode: 'final', idleTimeout: 100, clock });
    const s = store();
    step(s, (v) => runner.process('t[0]', 'k', 1, 10, v));
    clock.advance(60);
    runner.track('t[0]'); // seen already: its activity stays at 0
    runner.track('t[1]'); // restored from an earlier run: idle from now (60)
    clock.advance(40);
    expect(runner.idlePartitions()).toEqual(['t[0]']);
    expect(fmt(step(s, (v) => runner.closeIdle('t[0]', v)))).toEqual(['k[0,1000]=1']);
    runner.track('t[0]'); // closed and still assigned: not tracked again
    clock.advance(60);
    expect(runner.idlePartitions()).toEqual(['t[1]']);
    runner.forget('t[0]');
    runner.track('t[0]'); // assigned again after a revocation
    clock.advance(100);
    expect(runner.idlePartitions()).toEqual(['t[1]', 't[0]']);
  });

  it('counts late records in the stats it is given', () => {
    const runner = new WindowRunner(new TumblingWindow({ duration: 1000, aggregation: Sum() }), { mode: 'current' });
    const stats = { lateRecords: 5 };
    runner.useStats(stats);
    const s = store();
    const out = [[1, 1500], [2, 999], [3, 1000], [4, 10]].map(([v, ts]) => fmt(step(s, (view) => runner.process('t[0]', 'k', v, ts, view))));
    expect(out).toEqual([['k[1000,2000]=1'], [], ['k[1000,2000]=4'], []]);
    expect(stats.lateRecords).toBe(7);
  });

  it('rejects idleTimeout with current()', () => {
    expect(() => new WindowRunner(new TumblingWindow({ duration: 1000, aggregation: Sum() }), { mode: 'current', idleTimeout: 10 })).toThrow(ConfigError);
  });
});

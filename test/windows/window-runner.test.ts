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
    const out = f(tx.view('tumbling_window_1000'));
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

  it('rejects idleTimeout with current()', () => {
    expect(() => new WindowRunner(new TumblingWindow({ duration: 1000, aggregation: Sum() }), { mode: 'current', idleTimeout: 10 })).toThrow(ConfigError);
  });
});

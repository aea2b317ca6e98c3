import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LmdbStateStore } from '../../src/state/lmdb/lmdb-state-store.ts';
import { Count } from '../../src/windows/aggregations/count.ts';
import { Sum } from '../../src/windows/aggregations/sum.ts';
import { agg } from '../../src/windows/aggregations/agg.ts';
import { TumblingWindow } from '../../src/windows/tumbling-window.ts';
import { fmt } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('windows over LMDB', () => {
  it('continues open windows and the watermark after the store is closed and reopened', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-windows-'));
    dirs.push(stateDir);
    const opts = { stateDir, consumerGroup: 'g', topic: 'tx', partition: 0 };
    const window = new TumblingWindow({ duration: '1m', aggregation: agg({ revenue: Sum('amount'), orders: Count() }) });
    const step = (store: LmdbStateStore, key: string, amount: number, ts: number) => {
      const tx = store.begin();
      const out = window.process(key, { amount }, ts, tx.view(window.name));
      tx.commit();
      return out;
    };
    const first = new LmdbStateStore(opts);
    step(first, 'p1', 10, 1_000);
    step(first, 'p1', 15, 30_000);
    await first.close();

    const second = new LmdbStateStore(opts);
    expect(step(second, 'p1', 1, 20_000).late).toBe(false);
    const out = step(second, 'p1', 5, 61_000);
    expect(fmt(out.expired)).toEqual(['p1[0,60000]={"revenue":26,"orders":3}']);
    expect(step(second, 'p1', 5, 59_000).late).toBe(true);
    await second.close();
  });
});

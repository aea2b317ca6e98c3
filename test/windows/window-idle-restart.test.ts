import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import type { Processor } from '../../src/app/processor.ts';
import { StateManager } from '../../src/state/state-manager.ts';
import type { RawMessage } from '../../src/topics/message-context.ts';
import { ManualClock } from '../../src/windows/wall-clock.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** One run of the app over the LMDB state in `stateDir`: its own Application, StateManager, clock. */
async function start(stateDir: string) {
  const app = new Application({ consumerGroup: 'g', logLevel: 'silent' });
  app.dataframe(app.topic<{ amount: number }>('orders')).tumblingWindow({ duration: '1m' }).sum('amount').final({ idleTimeout: '10s' }).toTopic(app.topic('per-minute'));
  const state = new StateManager({ consumerGroup: 'g', stateDir });
  const clock = new ManualClock(1_000_000);
  const processor = app.createProcessor({ state, clock });
  await processor.assign([{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }]);
  const outputs = (result: ReturnType<Processor['tick']>) => {
    if (result.error) throw result.error;
    processor.delivered(result);
    return result.produced.map((r) => [r.topic, r.key?.toString(), r.timestamp, JSON.parse(r.value!.toString())]);
  };
  return {
    clock,
    process: (messages: RawMessage[]) => outputs(processor.process({ topic: 'orders', partition: 0, messages })),
    tick: () => outputs(processor.tick()),
    stop: async () => {
      processor.close();
      await state.close();
    },
  };
}

const order = (offset: number, amount: number, timestamp: number): RawMessage => ({ key: Buffer.from('p'), value: Buffer.from(JSON.stringify({ amount })), timestamp, offset });

describe('idle closing after a restart', () => {
  it('closes the windows a previous run left open on a partition that receives no more records', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-idle-'));
    dirs.push(stateDir);
    const first = await start(stateDir);
    expect(first.process([order(0, 3, 5_000), order(1, 4, 6_000)])).toEqual([]);
    await first.stop(); // stops before the partition went idle: the window [0, 60000) stays open in the store

    const second = await start(stateDir);
    expect(second.tick()).toEqual([]); // both assigned partitions are tracked from now on
    second.clock.advance(9_999);
    expect(second.tick()).toEqual([]);
    second.clock.advance(1);
    // partition 0 emits its restored window; partition 1 has none and emits nothing
    expect(second.tick()).toEqual([['per-minute', 'p', 0, { start: 0, end: 60_000, value: 7 }]]);
    second.clock.advance(60_000);
    expect(second.tick()).toEqual([]);
    await second.stop();
  });
});

// The StateManager as an exactly-once checkpoint drives it: per input partition, changelog records
// prepared for the partition's Kafka transaction, state committed locally only after it, the
// commit marker counted so that a restart finds the store current, and discarded changes gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateManager } from '../../src/state/state-manager.ts';
import { FakeChangelog } from './fake-changelog.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CHANGELOG = 'changelog__g--orders--default';

function manager(stateDir: string): StateManager {
  const m = new StateManager({ consumerGroup: 'g', stateDir });
  m.registerStore('orders', 'default');
  return m;
}

function add(m: StateManager, partition: number, key: string, amount: number, offset: number): void {
  const state = m.state('orders', partition, key, 1000 + offset);
  state.set('total', state.get('total', 0) + amount);
  m.markProcessed('orders', partition, offset);
}

describe('StateManager in transactions (exactly-once)', () => {
  it('prepares and commits one partition at a time, and after a committed transaction a restart reads no changelog', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-manager-txn-'));
    dirs.push(stateDir);
    const changelog = new FakeChangelog();
    const first = manager(stateDir);
    await first.assign('orders', 0, changelog);
    await first.assign('orders', 1, changelog);
    add(first, 0, 'a', 5, 10);
    add(first, 0, 'a', 2, 11);
    add(first, 1, 'b', 1, 20);
    const records = first.prepareCheckpoint([{ topic: 'orders', partition: 0 }]);
    expect(records.map((r) => [r.topic, r.partition, r.value?.toString()])).toEqual([[CHANGELOG, 0, '[7]']]);
    changelog.produce(records);
    changelog.marker(CHANGELOG, 0); // the transaction committed
    first.commitTransaction([{ topic: 'orders', partition: 0 }]);
    expect(first.isProcessed('orders', 0, 11, 'default')).toBe(true);
    expect(first.isProcessed('orders', 1, 20, 'default')).toBe(false); // partition 1's transaction is still open
    await first.close();

    const second = manager(stateDir);
    await second.assign('orders', 0, changelog);
    expect(changelog.reads).toBe(0); // the store ends where the changelog does (its commit marker)
    expect(second.state('orders', 0, 'a', 2000).get('total')).toBe(7);
    await second.assign('orders', 1, changelog);
    expect(second.state('orders', 1, 'b', 2000).get('total')).toBeUndefined();
    await second.close();
  });

  it('discards the uncommitted changes of an aborted transaction, and a later assignment rebuilds the store from the changelog', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-manager-txn-'));
    dirs.push(stateDir);
    const changelog = new FakeChangelog();
    const first = manager(stateDir);
    await first.assign('orders', 0, changelog);
    add(first, 0, 'a', 5, 0);
    changelog.produce(first.prepareCheckpoint([{ topic: 'orders', partition: 0 }]));
    changelog.marker(CHANGELOG, 0);
    first.commitTransaction([{ topic: 'orders', partition: 0 }]);
    add(first, 0, 'a', 100, 1);
    changelog.produce(first.prepareCheckpoint([{ topic: 'orders', partition: 0 }]));
    changelog.logs.get(`${CHANGELOG}[0]`)!.pop(); // aborted: read_committed readers never see it
    changelog.marker(CHANGELOG, 0);
    changelog.marker(CHANGELOG, 0);
    first.discard([{ topic: 'orders', partition: 0 }]);
    expect(first.state('orders', 0, 'a', 2000).get('total')).toBe(5);
    expect(first.isProcessed('orders', 0, 1, 'default')).toBe(false);
    add(first, 0, 'a', 1, 1);
    changelog.produce(first.prepareCheckpoint([{ topic: 'orders', partition: 0 }]));
    changelog.marker(CHANGELOG, 0);
    first.commitTransaction([{ topic: 'orders', partition: 0 }]);
    await first.close();

    const second = manager(stateDir);
    await second.assign('orders', 0, changelog);
    expect(changelog.reads).toBe(1);
    expect(second.state('orders', 0, 'a', 2000).get('total')).toBe(6);
    expect(second.isProcessed('orders', 0, 1, 'default')).toBe(true);
    await second.close();
  });
});

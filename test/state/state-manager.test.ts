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

describe('StateManager', () => {
  it('checkpoints state with changelog records and rebuilds a deleted store on reassignment', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-manager-'));
    dirs.push(stateDir);
    const changelog = new FakeChangelog();
    const make = () => {
      const m = new StateManager({ consumerGroup: 'revenue', stateDir });
      m.registerStore('orders', 'default');
      return m;
    };
    const first = make();
    expect(first.changelogTopics()).toEqual([{ name: 'changelog__revenue--orders--default', sourceTopic: 'orders', storeName: 'default' }]);
    await first.assign('orders', 1, changelog);
    const amounts: Array<[string, number, number]> = [['p1', 10, 0], ['p2', 5, 1], ['p1', 7, 2]];
    for (const [product, amount, offset] of amounts) {
      const state = first.state('orders', 1, product, 1000 + offset);
      state.set('revenue', state.get('revenue', 0) + amount);
      first.markProcessed('orders', 1, offset);
    }
    const records = first.prepareCheckpoint();
    expect(records.map((r) => [r.topic, r.partition, r.value?.toString(), r.headers])).toEqual([
      ['changelog__revenue--orders--default', 1, '[17]', { 'sluice.source.offset': '2' }],
      ['changelog__revenue--orders--default', 1, '[5]', { 'sluice.source.offset': '2' }],
    ]);
    expect(() => first.transaction('orders', 1)).toThrow(/commitCheckpoint/);
    first.commitCheckpoint(changelog.produce(records));
    expect(first.isProcessed('orders', 1, 2, 'default')).toBe(true);
    expect(first.isProcessed('orders', 1, 3, 'default')).toBe(false);
    await first.close();

    // Same directory: the store is current, the changelog is not read.
    const second = make();
    await second.assign('orders', 1, changelog);
    expect(changelog.reads).toBe(0);
    expect(second.state('orders', 1, 'p1', 2000).get('revenue')).toBe(17);
    await second.close();

    // Local state lost (new machine): rebuilt from the changelog.
    rmSync(stateDir, { recursive: true, force: true });
    const third = make();
    await third.assign('orders', 1, changelog);
    expect(changelog.reads).toBe(1);
    expect(third.state('orders', 1, 'p1', 2000).get('revenue')).toBe(17);
    expect(third.state('orders', 1, 'p2', 2000).get('revenue')).toBe(5);
    expect(third.isProcessed('orders', 1, 2, 'default')).toBe(true);
    await third.close();
  });

  it('keeps nothing for topics without stores and refuses state of unassigned partitions', async () => {
    const m = new StateManager({ consumerGroup: 'g', inMemory: true });
    await m.assign('plain', 0);
    expect(() => m.state('plain', 0, 'k', 0)).toThrow(/not assigned/);
    m.registerStore('orders', 'default');
    await m.assign('orders', 0);
    m.state('orders', 0, 'k', 0).set('x', 1);
    await m.revoke('orders', 0);
    await m.assign('orders', 0);
    expect(m.state('orders', 0, 'k', 0).get('x')).toBeUndefined(); // in-memory: revoked = gone
  });
});

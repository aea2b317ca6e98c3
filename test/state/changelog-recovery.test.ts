import { mkdtempSync, rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeKey } from '../../src/state/base/key-codec.ts';
import { ChangelogRecovery, type ChangelogMessage } from '../../src/state/changelog/changelog-recovery.ts';
import { changelogRecords, changelogTopicName } from '../../src/state/changelog/changelog-topic.ts';
import { LmdbStateStore } from '../../src/state/lmdb/lmdb-state-store.ts';
import { InMemoryStateStore } from '../../src/state/memory/in-memory-state-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake compacted changelog partition: records appended with offsets. */
function changelogOf(records: ReturnType<typeof changelogRecords>, startOffset = 0): ChangelogMessage[] {
  return records.map((r, i) => ({ offset: startOffset + i, key: r.key, value: r.value, headers: r.headers }));
}

async function* batches(messages: ChangelogMessage[], size: number): AsyncIterable<ChangelogMessage[]> {
  for (let i = 0; i < messages.length; i += size) yield messages.slice(i, i + size);
}

describe('changelog', () => {
  it('names the compacted topic after group, topic and store', () => {
    expect(changelogTopicName('revenue-aggregator', 'transactions', 'default')).toBe('changelog__revenue-aggregator--transactions--default');
  });

  it('turns changes into keyed records with JSON values, tombstones and the source offset header', () => {
    const records = changelogRecords([
      { storeName: 'default', key: ['u1', 'total'], value: [10] },
      { storeName: 'default', key: ['u1', 'gone'], value: undefined },
    ], { consumerGroup: 'g', topic: 'orders', partition: 2, sourceOffset: 17 });
    expect(records.map((r) => ({ ...r, key: r.key.length > 0, value: r.value?.toString() ?? null }))).toEqual([
      { topic: 'changelog__g--orders--default', partition: 2, key: true, value: '[10]', headers: { 'sluice.source.offset': '17' } },
      { topic: 'changelog__g--orders--default', partition: 2, key: true, value: null, headers: { 'sluice.source.offset': '17' } },
    ]);
  });

  it('shows a progress bar for a long restore on a terminal, and none elsewhere', async () => {
    // stderr by default; here fake streams.
    const shown = new InMemoryStateStore({ topic: 'orders', partition: 0 });
    let drawn = '';
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 }) as unknown as NodeJS.WriteStream;
    terminal.on('data', (d: Buffer) => (drawn += d.toString()));
    const manyRecords = Array.from({ length: 12_000 }, (_, i) => ({ offset: i, key: encodeKey(['u', i]), value: Buffer.from('[1]'), headers: {} }));
    await new ChangelogRecovery({ store: shown, storeName: 'default', progressStream: terminal }).recover({ endOffset: manyRecords.length, read: () => batches(manyRecords, 5000) });
    expect(drawn).toContain('recovering default of orders[0]');
    expect(drawn).toContain('12000/12000');
    const quiet = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    let notDrawn = '';
    quiet.on('data', (d: Buffer) => (notDrawn += d.toString()));
    await new ChangelogRecovery({ store: new InMemoryStateStore({ topic: 'orders', partition: 0 }), storeName: 'default', progressStream: quiet }).recover({ endOffset: manyRecords.length, read: () => batches(manyRecords, 5000) });
    expect(notDrawn).toBe('');

  });

  it('rebuilds an lmdb store from its changelog after the local store is deleted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-recovery-'));
    dirs.push(dir);
    const opts = { stateDir: dir, consumerGroup: 'g', topic: 'orders', partition: 0 };
    const source = { consumerGroup: 'g', topic: 'orders', partition: 0 };

    // Three batches of processing, each producing changelog records.
    const store = new LmdbStateStore(opts);
    const log: ChangelogMessage[] = [];
    const batchesOfWrites: Array<(v: ReturnType<ReturnType<LmdbStateStore['begin']>['view']>) => void> = [
      (v) => { v.set(['u1', 'total'], [10]); v.set(['u2', 'total'], [3]); },
      (v) => { v.set(['u1', 'total'], [25]); v.set(['u3', 'tmp'], [1]); },
      (v) => { v.delete(['u3', 'tmp']); v.set(['u2', 'total'], [4]); },
    ];
    batchesOfWrites.forEach((write, i) => {
      const tx = store.begin();
      write(tx.view('default'));
      const msgs = changelogOf(changelogRecords(tx.changes(), { ...source, sourceOffset: 100 + i }), log.length);
      log.push(...msgs);
      tx.commit({ processedOffsets: { default: 100 + i }, changelogOffsets: { default: log.length - 1 } });
    });
    await store.destroy();

    const fresh = new LmdbStateStore(opts);
    expect(fresh.processedOffset('default')).toBeUndefined();
    const recovery = new ChangelogRecovery({ store: fresh, storeName: 'default', progress: false });
    expect(recovery.isNeeded(log.length)).toBe(true);
    const result = await recovery.recover({ endOffset: log.length, read: () => batches(log, 2) });
    expect(result).toEqual({ skipped: false, applied: 6, sourceOffset: 102 });
    const tx = fresh.begin();
    expect([...tx.view('default').scan([])]).toEqual([[['u1', 'total'], [25]], [['u2', 'total'], [4]]]);
    tx.abort();
    expect(fresh.processedOffset('default')).toBe(102);
    expect(fresh.changelogOffset('default')).toBe(5);

    // A second recovery at the same end offset reads nothing.
    const again = await new ChangelogRecovery({ store: fresh, storeName: 'default' }).recover({
      endOffset: log.length,
      read: () => { throw new Error('must not read'); },
    });
    expect(again).toEqual({ skipped: true, applied: 0 });
    await fresh.close();
  });

  it('rebuilds a store that is ahead of the changelog, dropping state the changelog lacks', async () => {
    const store = new InMemoryStateStore({ topic: 'orders', partition: 0 });
    const tx = store.begin();
    tx.view('default').set(['stale'], [1]);
    tx.commit({ changelogOffsets: { default: 9 } });
    const log = changelogOf(changelogRecords([{ storeName: 'default', key: ['fresh'], value: [2] }], { consumerGroup: 'g', topic: 'orders', partition: 0, sourceOffset: 5 }));
    const result = await new ChangelogRecovery({ store, storeName: 'default' }).recover({ endOffset: 1, read: () => batches(log, 10) });
    expect(result).toEqual({ skipped: false, applied: 1, sourceOffset: 5 });
    const check = store.begin();
    expect([...check.view('default').scan([])]).toEqual([[['fresh'], [2]]]);
    check.abort();
    expect(store.changelogOffset('default')).toBe(0);
  });

  it('forgets the processed offset when the changelog is empty (e.g. a new broker), so no input is skipped', async () => {
    const store = new InMemoryStateStore({ topic: 'orders', partition: 0 });
    const tx = store.begin();
    tx.view('default').set(['k'], [1]);
    tx.commit({ processedOffsets: { default: 700 }, changelogOffsets: { default: 40 } });
    const result = await new ChangelogRecovery({ store, storeName: 'default' }).recover({ endOffset: 0, read: () => batches([], 1) });
    expect(result).toEqual({ skipped: false, applied: 0 });
    expect(store.processedOffset('default')).toBeUndefined();
    expect(store.changelogOffset('default')).toBeUndefined();
  });
});

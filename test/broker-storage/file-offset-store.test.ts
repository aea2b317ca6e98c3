import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileOffsetStore } from '../../src/broker/storage/file-offset-store.ts';
import { captureLogger, tempDir } from './helpers.ts';

const at = (offset: number, metadata: string | null = null) => ({ offset, leaderEpoch: 3, metadata, commitTimestamp: 1_700_000_000_000 + offset });

describe('FileOffsetStore', () => {
  it('commits, fetches and lists groups', () => {
    const store = new FileOffsetStore({ dataDir: tempDir(), logger: captureLogger().logger });
    store.commit('g1', 'words', 0, at(10, 'm'));
    store.commit('g1', 'words', 1, at(20));
    store.commit('g1', 'words', 0, at(11));
    store.commit('g2', 'other', 0, at(5));
    expect(store.fetch('g1', 'words', 0)).toEqual(at(11));
    expect(store.fetch('g1', 'words', 2)).toBeUndefined();
    expect(store.groups().sort()).toEqual(['g1', 'g2']);
    expect([...store.fetchAll('g1').get('words')!.entries()]).toEqual([[0, at(11)], [1, at(20)]]);
    expect(store.fetchAll('nope').size).toBe(0);
    store.close();
  });

  it('survives a reopen, including a reopen without close (a killed broker)', () => {
    const dataDir = tempDir();
    const first = new FileOffsetStore({ dataDir, logger: captureLogger().logger });
    first.commit('g', 't', 0, at(1, 'meta "quoted"\n'));
    first.commit('g', 't', 0, at(2, 'meta "quoted"\n'));
    first.commit('h', 't', 3, at(9));
    first.deleteGroup('h');
    // no close(): the lines were written synchronously
    const second = new FileOffsetStore({ dataDir, logger: captureLogger().logger });
    expect(second.fetch('g', 't', 0)).toEqual(at(2, 'meta "quoted"\n'));
    expect(second.groups()).toEqual(['g']);
    second.close();
    first.close();
    const third = new FileOffsetStore({ dataDir });
    expect(third.fetch('g', 't', 0)?.offset).toBe(2);
    third.close();
  });

  it('compacts the file on open to one line per committed partition', () => {
    const dataDir = tempDir();
    const first = new FileOffsetStore({ dataDir });
    for (let i = 0; i < 100; i++) first.commit('g', 't', i % 2, at(i));
    first.close();
    new FileOffsetStore({ dataDir }).close();
    const lines = fs.readFileSync(path.join(dataDir, 'consumer-offsets.log'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(2);
  });

  it('drops a torn last line and keeps the commits before it', () => {
    const dataDir = tempDir();
    const first = new FileOffsetStore({ dataDir });
    first.commit('g', 't', 0, at(7));
    first.close();
    fs.appendFileSync(path.join(dataDir, 'consumer-offsets.log'), '{"c":["g","t",0,8');
    const capture = captureLogger();
    const second = new FileOffsetStore({ dataDir, logger: capture.logger });
    expect(second.fetch('g', 't', 0)?.offset).toBe(7);
    expect(capture.warnings).toEqual(['dropping a torn last offset commit']);
    second.commit('g', 't', 0, at(9));
    second.close();
    expect(new FileOffsetStore({ dataDir }).fetch('g', 't', 0)?.offset).toBe(9);
  });
  it('deletes one partition offset durably (OffsetDelete), through a reopen and a compaction', () => {
    const dataDir = tempDir();
    const first = new FileOffsetStore({ dataDir, logger: captureLogger().logger });
    first.commit('g', 't', 0, at(1));
    first.commit('g', 't', 1, at(2));
    first.commit('g', 'u', 0, at(3));
    expect(first.deleteOffset('g', 't', 0)).toBe(true);
    expect(first.deleteOffset('g', 't', 0)).toBe(false);
    expect(first.deleteOffset('nope', 't', 0)).toBe(false);
    expect(first.fetch('g', 't', 0)).toBeUndefined();
    // no close(): the deletion was written synchronously
    const second = new FileOffsetStore({ dataDir, logger: captureLogger().logger });
    expect(second.fetch('g', 't', 0)).toBeUndefined();
    expect(second.fetch('g', 't', 1)).toEqual(at(2));
    expect(second.deleteOffset('g', 't', 1)).toBe(true);
    expect(second.deleteOffset('g', 'u', 0)).toBe(true);
    expect(second.groups()).toEqual([]);
    expect(second.fetchAll('g').size).toBe(0);
    second.close();
    first.close();
    const third = new FileOffsetStore({ dataDir });
    expect(third.groups()).toEqual([]);
    third.close();
    expect(fs.readFileSync(path.join(dataDir, 'consumer-offsets.log'), 'utf8')).toBe('');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyedState, sweepExpired } from '../../src/state/base/keyed-state.ts';
import type { StateStore } from '../../src/state/base/state-store.ts';
import { StateError } from '../../src/state/base/state-error.ts';
import { LmdbStateStore } from '../../src/state/lmdb/lmdb-state-store.ts';
import { InMemoryStateStore } from '../../src/state/memory/in-memory-state-store.ts';

const dirs: string[] = [];
const stores: StateStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const factories: Record<string, () => StateStore> = {
  memory: () => new InMemoryStateStore({ topic: 'orders', partition: 0 }),
  lmdb: () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-state-'));
    dirs.push(dir);
    return new LmdbStateStore({ stateDir: dir, consumerGroup: 'g', topic: 'orders', partition: 0 });
  },
};

for (const [kind, make] of Object.entries(factories)) {
  describe(`${kind} StateStore contract`, () => {
    const open = () => {
      const s = make();
      stores.push(s);
      return s;
    };

    it('reads its own buffered writes and makes them visible only on commit', () => {
      const store = open();
      const tx = store.begin();
      tx.view('default').set(['u1', 'total'], 5);
      expect(tx.view('default').get(['u1', 'total'])).toBe(5);
      const reader = (store as StateStore).processedOffset('default');
      expect(reader).toBeUndefined();
      tx.commit({ processedOffsets: { default: 9  }});
      const tx2 = store.begin();
      expect(tx2.view('default').get(['u1', 'total'])).toBe(5);
      expect(tx2.view('default').has(['u1', 'nope'])).toBe(false);
      tx2.abort();
      expect(store.processedOffset('default')).toBe(9);
    });

    it('discards writes of an aborted transaction', () => {
      const store = open();
      const tx = store.begin();
      tx.view('default').set(['u1', 'x'], 1);
      tx.abort();
      const tx2 = store.begin();
      expect(tx2.view('default').get(['u1', 'x'])).toBeUndefined();
      tx2.abort();
    });

    it('scans a prefix in key order merging stored and buffered writes, honouring deletes and ranges', () => {
      const store = open();
      const tx = store.begin();
      const v = tx.view('w');
      v.set(['k', 3000], 'c');
      v.set(['k', 1000], 'a');
      v.set(['j', 1], 'other key');
      tx.commit();
      const tx2 = store.begin();
      const v2 = tx2.view('w');
      v2.set(['k', 2000], 'b');
      v2.delete(['k', 3000]);
      v2.set(['k', 500], 'z');
      expect([...v2.scan(['k'])]).toEqual([[['k', 500], 'z'], [['k', 1000], 'a'], [['k', 2000], 'b']]);
      expect([...v2.scan(['k'], { from: 1000, to: 2000 })]).toEqual([[['k', 1000], 'a']]);
      expect([...tx2.view('default').scan([])]).toEqual([]);
      expect(tx2.changes()).toEqual([
        { storeName: 'w', key: ['k', 500], value: 'z' },
        { storeName: 'w', key: ['k', 2000], value: 'b' },
        { storeName: 'w', key: ['k', 3000], value: undefined },
      ]);
      tx2.abort();
    });

    it('records changelog offsets with the commit and clears one store', () => {
      const store = open();
      const tx = store.begin();
      tx.view('a').set(['k'], 1);
      tx.view('b').set(['k'], 2);
      tx.commit({ changelogOffsets: { a: 4, b: 7 } });
      store.clear('a');
      expect(store.changelogOffset('a')).toBeUndefined();
      expect(store.changelogOffset('b')).toBe(7);
      const tx2 = store.begin();
      expect(tx2.view('a').get(['k'])).toBeUndefined();
      expect(tx2.view('b').get(['k'])).toBe(2);
      tx2.abort();
    });

    it('refuses a second open transaction and a reserved store name', () => {
      const store = open();
      const tx = store.begin();
      expect(() => store.begin()).toThrow(StateError);
      expect(() => tx.view('__sluice_meta')).toThrow(/reserved/);
      tx.abort();
      expect(() => tx.commit()).toThrow(/already committed or aborted/);
    });

    it('KeyedState scopes values to the message key and expires ttl in event time', () => {
      const store = open();
      const tx = store.begin();
      const at1000 = new KeyedState(tx.view('default'), 'u1', 1000);
      at1000.set('visits', 3, { ttl: 500 });
      at1000.set('name', 'Ann');
      expect(at1000.get('visits')).toBe(3);
      expect(new KeyedState(tx.view('default'), 'u2', 1000).get('visits', 0)).toBe(0);
      tx.commit();

      const tx2 = store.begin();
      expect(new KeyedState(tx2.view('default'), 'u1', 1499).get('visits')).toBe(3);
      const at1500 = new KeyedState(tx2.view('default'), 'u1', 1500);
      expect(at1500.has('visits')).toBe(false);
      expect(at1500.get('visits', -1)).toBe(-1);
      expect(at1500.get('name')).toBe('Ann');
      expect(tx2.changes()).toEqual([
        { storeName: 'default', key: [0, 1500, 'u1', 'visits'], value: undefined },
        { storeName: 'default', key: ['u1', 'visits'], value: undefined },
      ]);
      expect(() => at1500.set('x', undefined)).toThrow(/state.delete/);
      tx2.commit();
    });

    it('sweepExpired deletes expired entries of keys that are never read again, and skips overwritten ones', () => {
      const store = open();
      const tx = store.begin();
      const view = tx.view('default');
      new KeyedState(view, 'gone', 1000).set('cart', ['a'], { ttl: '1s' });
      new KeyedState(view, 'later', 1000).set('cart', ['b'], { ttl: 5000 });
      const renewed = new KeyedState(view, 'renewed', 1000);
      renewed.set('cart', ['c'], { ttl: 500 });
      new KeyedState(view, 'renewed', 1400).set('cart', ['d'], { ttl: 500 }); // now expires at 1900
      new KeyedState(view, 'plain', 1000).set('cart', ['e']);
      expect(() => new KeyedState(view, 'x', 0).set('cart', 1, { ttl: 0 })).toThrow('State "cart" got ttl 0');
      expect(() => new KeyedState(view, 'x', 0).set('cart', 1, { ttl: '5 minutes' })).toThrow('State "cart" got ttl "5 minutes"');
      tx.commit();

      const tx2 = store.begin();
      expect(sweepExpired(tx2.view('default'), 2000)).toBe(2);
      expect(tx2.changes().filter((c) => typeof c.key[0] === 'string')).toEqual([
        { storeName: 'default', key: ['gone', 'cart'], value: undefined },
        { storeName: 'default', key: ['renewed', 'cart'], value: undefined },
      ]);
      tx2.commit();
      const tx3 = store.begin();
      const left = [...tx3.view('default').scan([])].map(([k, v]) => [k, v]);
      expect(left).toEqual([
        [[0, 6000, 'later', 'cart'], 1],
        [['later', 'cart'], [['b'], 6000]],
        [['plain', 'cart'], [['e']]],
      ]);
      tx3.abort();
    });

    it('a savepoint rolls back the writes made after it, keeping earlier ones', () => {
      const store = open();
      const tx = store.begin();
      const view = tx.view('default');
      view.set(['a'], 1);
      view.set(['b'], 1);
      const savepoint = tx.savepoint();
      view.set(['a'], 2);
      view.set(['c'], 3);
      view.delete(['b']);
      tx.rollbackTo(savepoint);
      expect([...view.scan([])]).toEqual([[['a'], 1], [['b'], 1]]);
      expect(tx.changes().map((c) => [c.key, c.value])).toEqual([[['a'], 1], [['b'], 1]]);
      tx.commit();
      const tx2 = store.begin();
      expect([tx2.view('default').get(['a']), tx2.view('default').get(['c'])]).toEqual([1, undefined]);
      tx2.abort();
    });
  });
}

describe('LmdbStateStore durability', () => {
  it('keeps state and the processed offset across close and reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-state-'));
    dirs.push(dir);
    const opts = { stateDir: dir, consumerGroup: 'g', topic: 'orders', partition: 3 };
    const first = new LmdbStateStore(opts);
    expect(first.path).toBe(join(dir, 'g', 'orders', '3'));
    const tx = first.begin();
    tx.view('default').set(['u1', 'total'], { sum: 12.5, items: ['a', 'b'] });
    tx.commit({ processedOffsets: { default: 41 }, changelogOffsets: { default: 6 } });
    await first.close();

    const second = new LmdbStateStore(opts);
    stores.push(second);
    expect(second.processedOffset('default')).toBe(41);
    expect(second.changelogOffset('default')).toBe(6);
    const tx2 = second.begin();
    expect(tx2.view('default').get(['u1', 'total'])).toEqual({ sum: 12.5, items: ['a', 'b'] });
    tx2.abort();
  });
});

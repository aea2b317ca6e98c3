// State TTL runs on event time through the DSL: an entry expires when the partition's event time
// (the largest timestamp seen, not the current record's) passes its expiry, reads as absent, and
// is deleted from the store and the changelog even if its key never comes back.
import { describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import type { State } from '../../src/state/base/state.ts';
import { TestDriver } from '../../src/testing/test-driver.ts';

describe('state ttl', () => {
  it('expires entries on the partition event time and tombstones them in the changelog', () => {
    const app = new Application({ consumerGroup: 'ttl', logLevel: 'silent' });
    app
      .dataframe(app.topic<{ page: string }>('visits'))
      .apply((visit, state: State, ctx) => {
        const seen = state.has('seen');
        state.set('seen', visit.page, { ttl: '10s' });
        return `${String(ctx.key)}:${seen ? 'again' : 'new'}`;
      }, { stateful: true })
      .toTopic(app.topic<string>('verdicts'));
    const driver = new TestDriver(app);
    driver.send('visits', { page: '/a' }, { key: 'ann', timestamp: 0 });
    driver.send('visits', { page: '/b' }, { key: 'ann', timestamp: 9_999 }); // renews: expires at 19_999
    driver.send('visits', { page: '/c' }, { key: 'bob', timestamp: 15_000 });
    driver.send('visits', { page: '/d' }, { key: 'ann', timestamp: 19_998 });
    driver.send('visits', { page: '/e' }, { key: 'cid', timestamp: 40_000 }); // event time 40 s: ann (29_998) and bob (25_000) expire
    driver.send('visits', { page: '/f' }, { key: 'bob', timestamp: 20_000 }); // a late record still sees the partition's event time
    expect(driver.read<string>('verdicts').map((r) => r.value)).toEqual(['ann:new', 'ann:again', 'bob:new', 'ann:again', 'cid:new', 'bob:new']);

    // Per record, the checkpoint's changelog records in key order (expiry-index entries sort first),
    // true = tombstone. bob@15s sweeps ann's first index entry (her value was renewed); cid@40s
    // sweeps ann's and bob's values and the three index entries up to 40 s — neither key came back.
    const changelog = driver.read('changelog__ttl--visits--default');
    expect(changelog.map((r) => r.value === null)).toEqual([
      false, false, // ann@0: index 10 s, value
      false, false, // ann@9.999s: index 19.999 s, value
      true, false, false, // bob@15s: index 10 s (stale), index 25 s, value
      false, false, // ann@19.998s: index 29.998 s, value
      true, true, true, false, true, true, false, // cid@40s: index 19.999, 25, 29.998 s; index 50 s; ann, bob, cid
      false, false, // bob@20s (late): index 50 s, value
    ]);
    expect([...driver.state.view('visits', 0, 'default').scan([])]).toEqual([
      [[0, 50_000, 'bob', 'seen'], 1],
      [[0, 50_000, 'cid', 'seen'], 1],
      [['bob', 'seen'], ['/f', 50_000]],
      [['cid', 'seen'], ['/e', 50_000]],
    ]);
  });
});

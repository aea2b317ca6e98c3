// `sluice demo rebalance --json` (seed 004) against the test broker: the assignments it prints
// after each join and leave, the offsets new owners start at, and that every group read every
// message once — checked from its JSON lines and against the broker's committed offsets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WalkthroughEvent } from '../../src/cli/rebalance/walkthrough-events.ts';
import { testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { runCli } from './cli-support.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

type Assignment = Extract<WalkthroughEvent, { type: 'assignment' }>;

describe('sluice demo rebalance', () => {
  it('prints who owns which partition after each join and leave, resumes at committed offsets, and loses nothing', async () => {
    const runId = uniqueName('t').replace(/^t-/, '');
    const result = await runCli(['demo', 'rebalance', '--json', '--keep', '--run-id', runId, '--broker', broker.address], { timeoutMs: 240_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as WalkthroughEvent);
    const [t1, t3] = [`consumer-rebalance-${runId}`, `consumer-rebalance-3p-${runId}`];
    const [g1, g3, g2, g4] = ['rebalance-1', 'rebalance-3p', 'rebalance-2', 'rebalance-3'].map((g) => `${g}-${runId}`);
    expect(events[0]).toEqual({ type: 'start', broker: broker.address, topics: { [t1]: 1, [t3]: 3 }, groups: [g1, g3, g2, g4] });

    const assignments = events.filter((e): e is Assignment => e.type === 'assignment');
    const at = (step: number, group = g1): Record<string, number[]> => assignments.find((a) => a.step === step && a.group === group)!.owners;
    const sizes = (owners: Record<string, number[]>): number[] => Object.values(owners).map((p) => p.length).sort();
    const union = (owners: Record<string, number[]>): number[] => Object.values(owners).flat().sort();
    expect(assignments.every((a) => (Object.keys(a.owners).length === 0 ? a.state === 'Empty' || a.state === 'Dead' : a.state === 'Stable'))).toBe(true);
    // one partition: the first member owns it; with two, one of them is idle; the owner leaves, the other takes it
    expect(at(1)).toEqual({ a1: [0] });
    expect(Object.keys(at(2)).sort()).toEqual(['a1', 'a2']);
    expect(sizes(at(2))).toEqual([0, 1]);
    const stayed = Object.entries(at(2)).find(([, p]) => p.length === 0)![0];
    expect(at(3)).toEqual({ [stayed]: [0] });
    // three partitions: 1 member owns all, 2 share them 2 + 1, 3 own one each, after one leaves 2 + 1 again
    expect(at(4, g3)).toEqual({ b1: [0, 1, 2] });
    expect([Object.keys(at(5, g3)).sort(), sizes(at(5, g3)), union(at(5, g3))]).toEqual([['b1', 'b2'], [1, 2], [0, 1, 2]]);
    expect([Object.keys(at(6, g3)).sort(), sizes(at(6, g3)), union(at(6, g3))]).toEqual([['b1', 'b2', 'b3'], [1, 1, 1], [0, 1, 2]]);
    expect([Object.keys(at(7, g3)).sort(), sizes(at(7, g3)), union(at(7, g3))]).toEqual([['b1', 'b2'], [1, 2], [0, 1, 2]]);
    // other groups on the same topic each get the partition; the first group down, then back
    expect([at(8, g2), at(8, g4)]).toEqual([{ c1: [0] }, { d1: [0] }]);
    expect(at(9)).toEqual({});
    expect(at(10)).toEqual({ a3: [0] });

    // every hand-over and the restart start exactly at the committed offset
    const resumed = events.filter((e) => e.type === 'resumed');
    expect(resumed.map((r) => [r.step, r.group, r.partition, r.committed])).toEqual([
      [3, g1, 0, 20],
      [7, g3, (at(6, g3).b3 ?? [])[0], 30],
      [10, g1, 0, 30],
    ]);
    for (const r of resumed) expect(r.firstRead).toBe(r.committed);
    // the second member of group 1 read nothing while idle; groups 2 and 3 read the whole topic from the beginning
    const reads = events.filter((e) => e.type === 'read');
    expect(reads.find((r) => r.step === 2)!.byMember[stayed]).toEqual({});
    expect(reads.filter((r) => r.step === 8).map((r) => r.byMember)).toEqual([{ c1: { '0': { first: 0, last: 29, count: 30 } } }, { d1: { '0': { first: 0, last: 29, count: 30 } } }]);

    const summary = events.at(-1)!;
    expect(summary).toEqual({
      type: 'summary',
      ok: true,
      groups: [
        { group: g1, topic: t1, produced: 40, read: 40, duplicates: 0, missing: 0 },
        { group: g3, topic: t3, produced: 120, read: 120, duplicates: 0, missing: 0 },
        { group: g2, topic: t1, produced: 40, read: 40, duplicates: 0, missing: 0 },
        { group: g4, topic: t1, produced: 40, read: 40, duplicates: 0, missing: 0 },
      ],
    });

    // the broker agrees: every group committed the end of its topic (--keep left topics and groups)
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      for (const [group, topic, ends] of [[g1, t1, [40]], [g2, t1, [40]], [g4, t1, [40]], [g3, t3, [40, 40, 40]]] as const) {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        expect(offsets!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset))).toEqual(ends);
      }
      await admin.deleteTopics({ topics: [t1, t3] });
    } finally {
      await admin.disconnect();
    }
  });
});

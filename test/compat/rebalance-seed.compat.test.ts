// The consumer-rebalance walk-through of the seed course notes (004), with segmentio/kafka-go
// Readers in consumer groups (range balancer, synchronous commits) against the test broker:
//  - a 1-partition topic with two readers in one group: only one gets the partition;
//  - a 3-partition topic: readers join one by one until each has one partition;
//  - a reader leaves: its partition moves to the others at the committed offset;
//  - a reader joins: the group rebalances to one partition each again;
//  - a reader crashes: after its session timeout its partition moves, nothing lost or read twice;
//  - three groups read the same topic, each gets everything;
//  - a group stopped and restarted resumes at its committed offset (only new messages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, LineProcess, waitUntil } from './compat-clients.ts';
import { expectPartitionedLike, type KeyedRecord } from './compat-assertions.ts';
import { GoReader, goWrite } from './go-reader.ts';

const sameSet = (a: number[][], b: number[]): boolean => a.flat().sort().join() === [...b].sort().join();
const show = (readers: GoReader[]): string => JSON.stringify(Object.fromEntries(readers.map((r) => [r.name, r.current() ?? null])));

describe('seed 004: consumer-group rebalancing with kafka-go readers', () => {
  let broker: TestBroker;
  const topic1 = uniqueName('consumer-rebalance');
  const topic3 = uniqueName('consumer-rebalance-3p');
  const group1 = uniqueName('rebalance-1');
  const group3 = uniqueName('rebalance-3p');
  /** Every message read from topic3 by any reader in group3, phase by phase. */
  const readFrom3: KeyedRecord[] = [];
  const readers3: Record<string, GoReader> = {};

  beforeAll(async () => {
    clients.goProgram('writer');
    clients.goProgram('rebalance-reader');
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await LineProcess.killAll();
    await broker?.close();
  });

  /** Reads one phase: waits until `readers` together read `expected.length` new messages, checks them. */
  async function phase(readers: GoReader[], expected: { key: string; value: string }[]): Promise<Map<GoReader, KeyedRecord[]>> {
    const before = new Map(readers.map((r) => [r, r.messages().length]));
    const fresh = (): Map<GoReader, KeyedRecord[]> => new Map(readers.map((r) => [r, r.messages().slice(before.get(r))]));
    const total = (): number => [...fresh().values()].reduce((n, list) => n + list.length, 0);
    await goWrite(broker.address, topic3, { count: expected.length, start: Number(expected[0]!.value.slice(1)), keys: 6 });
    await waitUntil(() => total() >= expected.length, () => `${expected.length} messages in this phase (have ${total()}; ${show(readers)})`);
    await new Promise((r) => setTimeout(r, 500)); // a duplicate or stray read would show up here
    const got = fresh();
    for (const [reader, list] of got) {
      for (const m of list) expect({ reader: reader.name, partition: m.partition, owned: reader.current()!.includes(m.partition) }).toEqual({ reader: reader.name, partition: m.partition, owned: true });
    }
    // Each partition is read by one reader within a phase, so per-reader lists keep partition order.
    const phaseRecords = [...got.values()].flat();
    expectPartitionedLike(phaseRecords, expected, 3);
    readFrom3.push(...phaseRecords);
    return got;
  }
  const batch = (start: number, count: number) => Array.from({ length: count }, (_, j) => ({ key: `k${(start + j) % 6}`, value: `v${start + j}` }));

  it('1 partition, 2 readers in one group: only one is assigned the partition and reads every message', async () => {
    await goWrite(broker.address, topic1, { create: 1, count: 0 });
    const first = new GoReader('first', broker.address, topic1, group1);
    await first.waitForAssignment((p) => p.join() === '0', '[0]');
    const second = new GoReader('second', broker.address, topic1, group1);
    await waitUntil(
      () => first.assignments().length >= 2 && second.assignments().length >= 1 && sameSet([first.current()!, second.current()!], [0]),
      () => `both readers in the new generation, one holding partition 0 (now ${show([first, second])})`,
    );
    const owner = first.current()!.length === 1 ? first : second;
    const idle = owner === first ? second : first;
    expect(idle.current()).toEqual([]);

    const produced = await goWrite(broker.address, topic1, { count: 10, keys: 3 });
    await owner.waitForMessages(10);
    await new Promise((r) => setTimeout(r, 500));
    expect(owner.messages().map((m) => [m.offset, m.key, m.value])).toEqual(produced.map((p, i) => [i, p.key, p.value]));
    expect(idle.messages()).toEqual([]);
    await Promise.all([idle.leave(), owner.leave()]);
  });

  it('3 partitions: readers join one by one until each of three holds exactly one partition', async () => {
    await goWrite(broker.address, topic3, { create: 3, count: 0 });
    readers3.a = new GoReader('a', broker.address, topic3, group3);
    await readers3.a.waitForAssignment((p) => p.join() === '0,1,2', '[0,1,2] for the only reader');
    readers3.b = new GoReader('b', broker.address, topic3, group3);
    await waitUntil(
      () => readers3.a!.assignments().length >= 2 && (readers3.b!.current()?.length ?? 0) >= 1 && sameSet([readers3.a!.current()!, readers3.b!.current()!], [0, 1, 2]),
      () => `two readers sharing 0,1,2 (now ${show([readers3.a!, readers3.b!])})`,
    );
    expect([readers3.a.current()!.length, readers3.b.current()!.length].sort()).toEqual([1, 2]);
    readers3.c = new GoReader('c', broker.address, topic3, group3);
    const abc = [readers3.a, readers3.b, readers3.c];
    await waitUntil(
      () => abc.every((r) => r.current()?.length === 1) && sameSet(abc.map((r) => r.current()!), [0, 1, 2]),
      () => `one partition each (now ${show(abc)})`,
    );
    await phase(abc, batch(0, 30));
  });

  it('a reader leaves: its partition moves to the remaining two, which resume at its committed offset', async () => {
    const { a, b, c } = readers3 as Record<'a' | 'b' | 'c', GoReader>;
    const moved = c.current()![0]!;
    const lastByC = Math.max(...c.messages().filter((m) => m.partition === moved).map((m) => m.offset));
    const generations = [a.assignments().length, b.assignments().length];
    await c.leave();
    await waitUntil(
      () => a.assignments().length > generations[0]! && b.assignments().length > generations[1]! && sameSet([a.current()!, b.current()!], [0, 1, 2]),
      () => `a and b sharing 0,1,2 after c left (now ${show([a, b])})`,
    );
    const heir = a.current()!.includes(moved) ? a : b;
    expect(heir.assignments().at(-1)!.offsets[String(moved)]).toBe(lastByC + 1);
    const got = await phase([a, b], batch(30, 30));
    const inherited = got.get(heir)!.filter((m) => m.partition === moved);
    expect(inherited[0]?.offset).toBe(lastByC + 1);
  });

  it('a reader joins: the group rebalances to one partition each again', async () => {
    const { a, b } = readers3 as Record<'a' | 'b', GoReader>;
    const generations = [a.assignments().length, b.assignments().length];
    readers3.d = new GoReader('d', broker.address, topic3, group3);
    const abd = [a, b, readers3.d];
    await waitUntil(
      () => a.assignments().length > generations[0]! && b.assignments().length > generations[1]! &&
        abd.every((r) => r.current()?.length === 1) && sameSet(abd.map((r) => r.current()!), [0, 1, 2]),
      () => `one partition each after d joined (now ${show(abd)})`,
    );
    await phase(abd, batch(60, 30));
  });

  it('a reader crashes (no LeaveGroup): after its session times out the others take its partition', async () => {
    const { a, b, d } = readers3 as Record<'a' | 'b' | 'd', GoReader>;
    const lost = d.current()![0]!;
    const generations = [a.assignments().length, b.assignments().length];
    const crashedAt = Date.now();
    await d.crash();
    await waitUntil(
      () => a.assignments().length > generations[0]! && b.assignments().length > generations[1]! && sameSet([a.current()!, b.current()!], [0, 1, 2]),
      () => `a and b sharing 0,1,2 after d crashed (now ${show([a, b])})`,
      45_000,
    );
    // The readers' session timeout is 10 s: the coordinator must wait for it, not rebalance at once.
    expect(Date.now() - crashedAt).toBeGreaterThan(5_000);
    const heir = a.current()!.includes(lost) ? a : b;
    const lastByD = Math.max(-1, ...d.messages().filter((m) => m.partition === lost).map((m) => m.offset));
    expect(heir.assignments().at(-1)!.offsets[String(lost)]).toBe(lastByD + 1);
    await phase([a, b], batch(90, 30));
    // Across all phases, hand-overs and the crash: 120 messages, each read exactly once.
    expectPartitionedLike(readFrom3, batch(0, 120), 3);
    await Promise.all([a.leave(), b.leave()]);
  });

  it('three groups reading the same topic each get every message', async () => {
    const groups = [uniqueName('rebalance-2'), uniqueName('rebalance-3'), uniqueName('rebalance-4')];
    const readers = groups.map((g, i) => new GoReader(`group-${i + 2}`, broker.address, topic1, g, { maxMessages: 10, timeoutSeconds: 60 }));
    const dones = await Promise.all(readers.map((r) => r.finished()));
    expect(dones.map((d) => d.reason)).toEqual(['max-messages', 'max-messages', 'max-messages']);
    const expected = Array.from({ length: 10 }, (_, i) => [i, `k${i % 3}`, `v${i}`]);
    for (const r of readers) expect(r.messages().map((m) => [m.offset, m.key, m.value])).toEqual(expected);
  });

  it('a group stopped and restarted resumes at its committed offset and gets only the new messages', async () => {
    await goWrite(broker.address, topic1, { count: 5, start: 10, keys: 3 });
    const restarted = new GoReader('rebalance-1 again', broker.address, topic1, group1, { maxMessages: 5, timeoutSeconds: 60 });
    expect(await restarted.finished()).toMatchObject({ count: 5, reason: 'max-messages' });
    expect(restarted.assignments()[0]).toEqual({ type: 'assignment', partitions: [0], offsets: { '0': 10 } });
    expect(restarted.messages().map((m) => [m.offset, m.key, m.value])).toEqual([10, 11, 12, 13, 14].map((i) => [i, `k${i % 3}`, `v${i}`]));
  });
});

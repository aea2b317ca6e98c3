import type { Admin, Producer } from 'kafkajs';
import { CliError } from '../cli-error.ts';
import { cliKafka, connectOrExplain } from '../kafka-client.ts';
import { DemoMember } from './demo-member.ts';
import { describeGroup, isSettled, type GroupView } from './group-view.ts';
import type { GroupSummary, WalkthroughEvent } from './walkthrough-events.ts';

/**
 * Options of {@link runRebalanceWalkthrough}.
 *
 * @example
 * ```ts
 * const opts: WalkthroughOptions = { broker: 'localhost:9092', runId: 'x1', emit: (e) => console.log(e) };
 * ```
 */
export interface WalkthroughOptions {
  broker: string;
  /** Suffix of the topic and group names, so that runs do not see each other's offsets. */
  runId: string;
  emit: (event: WalkthroughEvent) => void;
  /** Longest wait for a rebalance or a read, in ms; default 90 s. */
  timeoutMs?: number;
  /** Keep the topics and groups afterwards (default: delete them). */
  keep?: boolean;
  /** Aborting it (Ctrl-C) ends the walkthrough at the next wait, cleaning up as usual. */
  signal?: AbortSignal;
}

const POLL_MS = 200;

/**
 * Seed 004 as a program: a 1-partition and a 3-partition topic, members (sluice Applications) of
 * one group joining and leaving, then three groups on one topic, one of them stopped and
 * restarted. After each join or leave it reports who owns which partition (as the group
 * coordinator describes it), after each batch who read what, after a hand-over or restart the
 * offset the new owner started at against the one the group had committed, and at the end each
 * group's tally: read, read twice, lost.
 *
 * @example
 * ```ts
 * const summary = await runRebalanceWalkthrough({ broker: 'localhost:9092', runId: 'demo', emit: (e) => console.log(describeEvent(e)) });
 * ```
 */
export async function runRebalanceWalkthrough(o: WalkthroughOptions): Promise<GroupSummary[]> {
  const t1 = `consumer-rebalance-${o.runId}`;
  const t3 = `consumer-rebalance-3p-${o.runId}`;
  const [g1, g3, g2a, g2b] = ['rebalance-1', 'rebalance-3p', 'rebalance-2', 'rebalance-3'].map((g) => `${g}-${o.runId}`) as [string, string, string, string];
  const partitions: Record<string, number> = { [t1]: 1, [t3]: 3 };
  const timeoutMs = o.timeoutMs ?? 90_000;
  const kafka = cliKafka(o.broker, 'sluice-rebalance-demo');
  const admin = kafka.admin();
  const producer = kafka.producer();
  await connectOrExplain(admin, o.broker);
  await producer.connect();
  const members = new Map<string, DemoMember>();
  const active = new Map<string, Set<string>>([[g1, new Set()], [g3, new Set()], [g2a, new Set()], [g2b, new Set()]]);
  const topicOf: Record<string, string> = { [g1]: t1, [g3]: t3, [g2a]: t1, [g2b]: t1 };
  const produced: Record<string, string[]> = { [t1]: [], [t3]: [] };
  let step = 0;
  let stepStart = new Map<string, number>();

  const waitFor = async (what: string, done: () => Promise<boolean> | boolean, explain: () => Promise<string> | string): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (o.signal?.aborted) throw new CliError('interrupted; the members left their groups', { exitCode: 130 });
      const failed = [...members.values()].find((m) => m.error !== undefined);
      if (failed) throw new CliError(`member ${failed.name} of group ${failed.group} stopped: ${(failed.error as Error).message}`, { cause: failed.error });
      if (Date.now() > deadline) throw new CliError(`gave up after ${timeoutMs / 1000}s waiting for ${what} (${await explain()}); is the broker overloaded? try --timeout`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  const settle = async (group: string): Promise<GroupView> => {
    const topic = topicOf[group]!;
    const want = [...active.get(group)!];
    let view = await describeGroup(admin, group, topic);
    await waitFor(
      `group ${group} to settle with ${want.join(', ') || 'no members'}`,
      async () => {
        view = await describeGroup(admin, group, topic);
        return want.length === 0 ? view.state === 'Empty' || view.state === 'Dead' : isSettled(view, want, partitions[topic]!);
      },
      () => JSON.stringify(view),
    );
    o.emit({ type: 'assignment', step, ...view });
    return view;
  };
  const begin = (title: string, explain: string): void => {
    step++;
    stepStart = new Map([...members].map(([name, m]) => [name, m.reads.length]));
    o.emit({ type: 'step', step, title, explain });
  };
  const join = (name: string, group: string): void => {
    const topic = topicOf[group]!;
    const member = new DemoMember({ name, group, topic, partitions: partitions[topic]!, broker: o.broker });
    members.set(name, member);
    active.get(group)!.add(name);
    member.start();
  };
  const leave = async (name: string): Promise<void> => {
    const member = members.get(name)!;
    active.get(member.group)!.delete(name);
    await member.stop();
  };
  const produce = async (topic: string, count: number): Promise<void> => {
    const from = produced[topic]!.length;
    const values = Array.from({ length: count }, (_, i) => `${topic}#${from + i}`);
    await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${(from + i) % 6}`, value })) });
    produced[topic]!.push(...values);
    const ends = Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [String(p.partition), Number(p.high)]));
    o.emit({ type: 'produced', step, topic, count, ends });
  };
  const readsOf = (group: string) => [...members.values()].filter((m) => m.group === group).flatMap((m) => m.reads);
  const committed = async (group: string): Promise<Map<number, number>> => {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topicOf[group]!] });
    return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  };
  /** Waits until the running `groups` have read and committed everything on their topic, then reports this step's reads. */
  const caughtUp = async (...groups: string[]): Promise<void> => {
    for (const group of groups) {
      const topic = topicOf[group]!;
      const want = new Set(produced[topic]);
      await waitFor(
        `group ${group} to read all ${want.size} messages of ${topic}`,
        () => new Set(readsOf(group).map((r) => r.value)).size >= want.size,
        () => `read ${new Set(readsOf(group).map((r) => r.value)).size}`,
      );
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
      let at = new Map<number, number>();
      await waitFor(
        `group ${group} to commit its offsets`,
        async () => {
          at = await committed(group);
          return [...ends].every(([p, end]) => (at.get(p) ?? -1) >= end);
        },
        () => JSON.stringify(Object.fromEntries(at)),
      );
      const byMember: Record<string, Record<string, { first: number; last: number; count: number }>> = {};
      for (const [name, m] of members) {
        if (m.group !== group) continue;
        const fresh = m.reads.slice(stepStart.get(name) ?? 0);
        if (fresh.length === 0 && !active.get(group)!.has(name)) continue;
        const mine: Record<string, { first: number; last: number; count: number }> = (byMember[name] = {});
        for (const r of fresh) {
          const cur = mine[String(r.partition)];
          mine[String(r.partition)] = cur ? { first: Math.min(cur.first, r.offset), last: Math.max(cur.last, r.offset), count: cur.count + 1 } : { first: r.offset, last: r.offset, count: 1 };
        }
      }
      o.emit({ type: 'read', step, group, topic, byMember });
    }
  };
  /** After a hand-over: the new owner of each of `moved` started at the offset the group had committed. */
  const resumed = (group: string, view: GroupView, moved: ReadonlyMap<number, number>): void => {
    for (const [partition, at] of moved) {
      const heir = Object.entries(view.owners).find(([, ps]) => ps.includes(partition))?.[0];
      const first = heir === undefined ? undefined : members.get(heir)!.reads.slice(stepStart.get(heir) ?? 0).find((r) => r.partition === partition);
      if (heir && first) o.emit({ type: 'resumed', step, group, topic: view.topic, partition, member: heir, committed: at, firstRead: first.offset });
    }
  };

  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: t1, numPartitions: 1 }, { topic: t3, numPartitions: 3 }] });
    o.emit({ type: 'start', broker: o.broker, topics: partitions, groups: [g1, g3, g2a, g2b] });

    begin(`a1 joins group ${g1} on ${t1} (1 partition)`, 'The only member gets the only partition.');
    join('a1', g1);
    await settle(g1);
    await produce(t1, 10);
    await caughtUp(g1);

    begin(`a2 joins group ${g1}`, 'A partition is read by one member of a group: with one partition, one of the two members stays idle.');
    join('a2', g1);
    let view = await settle(g1);
    await produce(t1, 10);
    await caughtUp(g1);

    const owner = view.owners.a1?.length ? 'a1' : 'a2';
    const idle = owner === 'a1' ? 'a2' : 'a1';
    begin(`${owner}, the owner of partition 0, leaves`, `The partition moves to ${idle}, which starts at the offset the group committed: nothing is read twice or skipped.`);
    await leave(owner);
    let moved = new Map([...(await committed(g1))].filter(([p]) => view.owners[owner]?.includes(p)));
    view = await settle(g1);
    await produce(t1, 10);
    await caughtUp(g1);
    resumed(g1, view, moved);

    begin(`b1 joins group ${g3} on ${t3} (3 partitions)`, 'One member owns all three partitions.');
    join('b1', g3);
    await settle(g3);
    await produce(t3, 30);
    await caughtUp(g3);

    begin('b2 joins', 'The group rebalances: the partitions are shared between two members.');
    join('b2', g3);
    await settle(g3);
    await produce(t3, 30);
    await caughtUp(g3);

    begin('b3 joins', 'Three members, three partitions: one each.');
    join('b3', g3);
    await settle(g3);
    await produce(t3, 30);
    await caughtUp(g3);

    begin('b3 leaves', "Its partition moves to b1 or b2, which starts at b3's committed offset.");
    view = await describeGroup(admin, g3, t3);
    await leave('b3');
    moved = new Map([...(await committed(g3))].filter(([p]) => view.owners.b3?.includes(p)));
    view = await settle(g3);
    await produce(t3, 30);
    await caughtUp(g3);
    resumed(g3, view, moved);

    begin(`groups ${g2a} and ${g2b} start on ${t1}`, 'Each group reads the whole topic on its own, from the beginning; the groups do not affect each other.');
    join('c1', g2a);
    join('d1', g2b);
    await settle(g2a);
    await settle(g2b);
    await caughtUp(g2a, g2b);

    begin(`group ${g1} stops (${idle} leaves)`, `While ${g1} is down the other groups go on; what is produced meanwhile waits for it.`);
    await leave(idle);
    const down = await committed(g1);
    await settle(g1);
    await produce(t1, 10);
    await caughtUp(g2a, g2b);

    begin(`group ${g1} starts again (a3 joins)`, 'It resumes at its committed offset: it reads only what was produced while it was down.');
    join('a3', g1);
    view = await settle(g1);
    await caughtUp(g1);
    resumed(g1, view, down);

    const summary = [g1, g3, g2a, g2b].map((group): GroupSummary => {
      const reads = readsOf(group).map((r) => r.value);
      const distinct = new Set(reads);
      const all = produced[topicOf[group]!]!;
      return { group, topic: topicOf[group]!, produced: all.length, read: distinct.size, duplicates: reads.length - distinct.size, missing: all.filter((v) => !distinct.has(v)).length };
    });
    o.emit({ type: 'summary', groups: summary, ok: summary.every((g) => g.duplicates === 0 && g.missing === 0) });
    return summary;
  } finally {
    await Promise.all([...members.values()].map((m) => m.stop().catch(() => undefined)));
    await cleanUp(admin, producer, o.keep ? undefined : { topics: [t1, t3], groups: [g1, g3, g2a, g2b] });
  }
}

async function cleanUp(admin: Admin, producer: Producer, remove?: { topics: string[]; groups: string[] }): Promise<void> {
  try {
    if (remove) {
      await admin.deleteGroups(remove.groups).catch(() => undefined);
      await admin.deleteTopics({ topics: remove.topics }).catch(() => undefined);
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

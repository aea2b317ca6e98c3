// kafkajs against the test broker: admin create/describe/delete, a keyed producer, and a consumer
// group of three over a 3-partition topic in which one member leaves and the other two take over
// its partition — nothing is lost and nothing is read twice.
import { Partitioners, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { expectPartitionedLike, type KeyedRecord } from './compat-assertions.ts';
import { waitUntil } from './compat-clients.ts';

interface Member {
  readonly name: string;
  readonly consumer: Consumer;
  readonly records: KeyedRecord[];
  readonly assignments: number[][];
}

describe('kafkajs compatibility', () => {
  let broker: TestBroker;
  const topic = uniqueName('kafkajs-3p');
  const doomed = uniqueName('kafkajs-deleted');
  const group = uniqueName('kafkajs-group');
  const members: Member[] = [];
  /** Every record any member read, in the order the members read them. */
  const arrivals: KeyedRecord[] = [];
  const batch = (start: number) => Array.from({ length: 30 }, (_, j) => ({ key: `customer-${(start + j) % 7}`, value: `click-${start + j}` }));

  beforeAll(async () => {
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await Promise.all(members.map((m) => m.consumer.disconnect().catch(() => {})));
    await broker?.close();
  });

  const produce = async (records: { key: string; value: string }[]): Promise<void> => {
    const producer = testKafka(broker.address).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const meta = await producer.send({ topic, acks: -1, messages: records });
      expect(meta.every((m) => m.errorCode === 0)).toBe(true);
    } finally {
      await producer.disconnect();
    }
  };

  const startMember = async (name: string): Promise<Member> => {
    const consumer = testKafka(broker.address, name).consumer({
      groupId: group, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200,
    });
    const member: Member = { name, consumer, records: [], assignments: [] };
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      member.assignments.push([...(e.payload.memberAssignment[topic] ?? [])].sort());
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const record = { partition, offset: Number(message.offset), key: message.key!.toString(), value: message.value!.toString() };
        member.records.push(record);
        arrivals.push(record);
      },
    });
    members.push(member);
    return member;
  };

  const current = (m: Member): number[] | undefined => m.assignments.at(-1);
  const allRecords = (): KeyedRecord[] => arrivals;

  it('admin creates a 3-partition topic, describes it, and deletes another', async () => {
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }, { topic: doomed, numPartitions: 2 }] })).toBe(true);
      const meta = await admin.fetchTopicMetadata({ topics: [topic, doomed] });
      expect(Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionId).sort()]))).toEqual({
        [topic]: [0, 1, 2],
        [doomed]: [0, 1],
      });
      expect(await admin.listTopics()).toEqual(expect.arrayContaining([topic, doomed]));
      await admin.deleteTopics({ topics: [doomed], timeout: 10_000 });
      const deadline = Date.now() + 15_000;
      let listed = await admin.listTopics();
      while (listed.includes(doomed) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        listed = await admin.listTopics();
      }
      expect(listed).toContain(topic);
      expect(listed).not.toContain(doomed);
    } finally {
      await admin.disconnect();
    }
  });

  it('three members of one group get one partition each and together read every message once', async () => {
    for (const name of ['member-a', 'member-b', 'member-c']) await startMember(name);
    await waitUntil(
      () => members.every((m) => current(m)?.length === 1) && new Set(members.map((m) => current(m)![0])).size === 3,
      () => `one partition per member (now ${JSON.stringify(members.map(current))})`,
    );
    const first = batch(0);
    await produce(first);
    await waitUntil(() => allRecords().length >= first.length, () => `${first.length} records (have ${allRecords().length})`);
    for (const m of members) for (const r of m.records) expect({ member: m.name, partition: r.partition }).toEqual({ member: m.name, partition: current(m)![0] });
    expectPartitionedLike(allRecords(), first, 3);
  });

  it('when one member leaves, the others take over its partition at the committed offset: nothing lost, nothing twice', async () => {
    const leaver = members[2]!;
    const stayers = members.slice(0, 2);
    const orphan = current(leaver)![0]!;
    const readFromOrphan = leaver.records.filter((r) => r.partition === orphan).length;
    const joinsBefore = stayers.map((m) => m.assignments.length);
    await leaver.consumer.disconnect();
    await waitUntil(
      () => stayers.every((m, i) => m.assignments.length > joinsBefore[i]!) &&
        stayers.flatMap((m) => current(m)!).sort().join() === '0,1,2',
      () => `the two remaining members to share partitions 0,1,2 (now ${JSON.stringify(stayers.map(current))})`,
    );
    const second = batch(30);
    await produce(second);
    await waitUntil(() => allRecords().length >= 60, () => `60 records (have ${allRecords().length})`);
    await new Promise((r) => setTimeout(r, 1000)); // a duplicate would show up here
    expectPartitionedLike(allRecords(), [...batch(0), ...second], 3);
    expect(leaver.records.length).toBeLessThanOrEqual(30);

    const heir = stayers.find((m) => current(m)!.includes(orphan))!;
    const inherited = heir.records.filter((r) => r.partition === orphan);
    expect(inherited.map((r) => r.offset)).toEqual(inherited.map((_, i) => readFromOrphan + i));
  });

  it('after all members leave, the group has committed the end offset of every partition', async () => {
    await Promise.all(members.slice(0, 2).map((m) => m.consumer.disconnect()));
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(Object.fromEntries(committed!.partitions.map((p) => [p.partition, Number(p.offset)]))).toEqual(
        Object.fromEntries(ends.map((o) => [o.partition, Number(o.high)])),
      );
      const described = await admin.describeGroups([group]);
      expect(described.groups[0]!.members).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});

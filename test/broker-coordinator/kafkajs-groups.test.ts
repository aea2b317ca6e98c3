import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerHandle } from '../../src/broker/launch-broker.ts';
import { produce as produceTo, startGroupBroker, startMember as start, union, waitFor, type Member } from './kafkajs-helpers.ts';

let broker: BrokerHandle;
let kafka: Kafka;

beforeAll(async () => {
  ({ broker, kafka } = await startGroupBroker());
});

afterAll(async () => {
  await broker?.close();
});

const startMember = (groupId: string, topic: string, name: string, log: Map<string, string[]>): Promise<Member> =>
  start(kafka, groupId, topic, name, log);
const produce = (topic: string, prefix: string, perPartition: number, partitions: number): Promise<string[]> =>
  produceTo(kafka, topic, prefix, perPartition, partitions);

describe('consumer groups with kafkajs against the embedded broker', () => {
  it('spreads 3 partitions over 3 consumers, hands over on leave, and resumes at committed offsets', async () => {
    const topic = 'orders';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });

    const log = new Map<string, string[]>();
    const members: Member[] = [];
    for (const name of ['c1', 'c2', 'c3']) members.push(await startMember('g-orders', topic, name, log));
    await waitFor('one partition per consumer', () => members.every((m) => m.partitions.length === 1) && union(members).join() === '0,1,2');

    const first = await produce(topic, 'a', 10, 3);
    await waitFor('30 messages', () => log.size === 30);
    expect([...log.keys()].sort()).toEqual([...first].sort());
    for (const m of members) {
      expect(m.received).toEqual(first.filter((v) => v.includes(`-p${m.partitions[0]}-`)));
    }

    const described = await admin.describeGroups(['g-orders']);
    expect(described.groups[0]).toMatchObject({ groupId: 'g-orders', state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(described.groups[0].members).toHaveLength(3);
    expect((await admin.listGroups()).groups).toContainEqual({ groupId: 'g-orders', protocolType: 'consumer' });

    // c3 leaves: c1 and c2 take over its partition and read what is produced next, once.
    const [c1, c2, c3] = members;
    const orphan = c3.partitions[0];
    await c3.consumer.disconnect();
    await waitFor('two consumers covering three partitions', () => union([c1, c2]).join() === '0,1,2');
    const second = await produce(topic, 'b', 10, 3);
    await waitFor('60 messages', () => log.size === 60);
    expect([...log.values()].filter((readers) => readers.length > 1)).toEqual([]);
    const orphanReader = [c1, c2].find((m) => m.partitions.includes(orphan))!;
    expect(orphanReader.received.filter((v) => v.startsWith(`b-p${orphan}-`))).toEqual(second.filter((v) => v.startsWith(`b-p${orphan}-`)));

    // Everyone stops; committed offsets are at the end of each partition.
    await Promise.all([c1.consumer.disconnect(), c2.consumer.disconnect()]);
    const committed = await admin.fetchOffsets({ groupId: 'g-orders', topics: [topic] });
    expect(committed[0].partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, '20'],
      [1, '20'],
      [2, '20'],
    ]);
    expect((await admin.describeGroups(['g-orders'])).groups[0]).toMatchObject({ state: 'Empty', members: [] });

    // A restarted group resumes at its committed offsets: only the new messages arrive.
    const third = await produce(topic, 'c', 5, 3);
    const restartLog = new Map<string, string[]>();
    const again = await startMember('g-orders', topic, 'c4', restartLog);
    await waitFor('15 new messages', () => restartLog.size === 15);
    await new Promise((r) => setTimeout(r, 300));
    expect([...restartLog.keys()].sort()).toEqual([...third].sort());
    expect(again.received).toHaveLength(15);
    await again.consumer.disconnect();
    await admin.disconnect();
  });

  it('lets two groups each read every message', async () => {
    const topic = 'shared';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const values = await produce(topic, 's', 7, 2);
    const logA = new Map<string, string[]>();
    const logB = new Map<string, string[]>();
    const a = await startMember('group-a', topic, 'a', logA);
    const b = await startMember('group-b', topic, 'b', logB);
    await waitFor('both groups read 14 messages', () => logA.size === 14 && logB.size === 14);
    expect([...logA.keys()].sort()).toEqual([...values].sort());
    expect([...logB.keys()].sort()).toEqual([...values].sort());
    expect(a.received).toHaveLength(14);
    expect(b.received).toHaveLength(14);
    await Promise.all([a.consumer.disconnect(), b.consumer.disconnect()]);

    // Deleting an empty group deletes its offsets; a group with members cannot be deleted.
    await admin.deleteGroups(['group-a']);
    const afterDelete = await admin.fetchOffsets({ groupId: 'group-a', topics: [topic] });
    expect(afterDelete[0].partitions.map((p) => p.offset)).toEqual(['-1', '-1']);
    const kept = await admin.fetchOffsets({ groupId: 'group-b', topics: [topic] });
    expect(kept[0].partitions.map((p) => p.offset)).toEqual(['7', '7']);
    await admin.disconnect();
  });
});

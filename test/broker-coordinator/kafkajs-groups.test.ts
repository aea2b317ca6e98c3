import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBroker, type BrokerHandle } from '../../src/broker/launch-broker.ts';
import { MemoryLogStorage, MemoryOffsetStore } from '../broker/memory-log-storage.ts';
import { GROUP_HANDLERS } from './group-handlers.ts';

let broker: BrokerHandle;
let kafka: Kafka;

beforeAll(async () => {
  broker = await launchBroker({
    host: '127.0.0.1',
    port: 0,
    nodeId: 0,
    clusterId: 'coordinator-e2e-cluster',
    config: { defaultPartitions: 1, autoCreateTopics: true, maxFrameBytes: 1 << 20, groupInitialRebalanceDelayMs: 0 },
    storage: new MemoryLogStorage(),
    offsets: new MemoryOffsetStore(),
    log: pino({ level: process.env.BROKER_TEST_LOG ?? 'silent' }),
    retentionCheckIntervalMs: 60_000,
    extraHandlers: GROUP_HANDLERS,
  });
  kafka = new Kafka({ clientId: 'e2e', brokers: [broker.address], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
});

afterAll(async () => {
  await broker?.close();
});

/** Polls `check` every 50 ms until it returns true; fails after `ms`. */
async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Member {
  readonly name: string;
  readonly consumer: Consumer;
  /** Partitions of the latest assignment. */
  partitions: number[];
  readonly received: string[];
}

/** Starts a consumer in `groupId` that records every message value it receives. */
async function startMember(groupId: string, topic: string, name: string, log: Map<string, string[]>): Promise<Member> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6_000, heartbeatInterval: 300, maxWaitTimeInMs: 100, rebalanceTimeout: 10_000 });
  const member: Member = { name, consumer, partitions: [], received: [] };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    member.partitions = [...(e.payload.memberAssignment[topic] ?? [])].sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }: EachMessagePayload) => {
      const value = message.value!.toString();
      member.received.push(value);
      log.set(value, [...(log.get(value) ?? []), name]);
    },
  });
  return member;
}

async function produce(topic: string, prefix: string, perPartition: number, partitions: number): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  const values: string[] = [];
  const messages = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++) {
      const value = `${prefix}-p${p}-${i}`;
      values.push(value);
      messages.push({ partition: p, value });
    }
  }
  await producer.send({ topic, messages });
  await producer.disconnect();
  return values;
}

const union = (members: Member[]) => members.flatMap((m) => m.partitions).sort();

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

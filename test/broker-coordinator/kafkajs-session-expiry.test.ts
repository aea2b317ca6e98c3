import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerHandle } from '../../src/broker/launch-broker.ts';
import { decodeConsumerProtocolAssignment, type ConsumerProtocolAssignment } from '../../src/protocol/generated/consumer-protocol-assignment.ts';
import { encodeConsumerProtocolSubscription } from '../../src/protocol/generated/consumer-protocol-subscription.ts';
import { Reader } from '../../src/protocol/primitives/reader.ts';
import { Writer } from '../../src/protocol/primitives/writer.ts';
import { RawClient } from '../broker/raw-client.ts';
import { produce, startGroupBroker, startMember, waitFor } from './kafkajs-helpers.ts';

let broker: BrokerHandle;
let kafka: Kafka;

beforeAll(async () => {
  ({ broker, kafka } = await startGroupBroker());
});

afterAll(async () => {
  await broker?.close();
});

function subscription(topic: string): Buffer {
  const w = new Writer();
  w.int16(0);
  encodeConsumerProtocolSubscription(w, 0, { topics: [topic], userData: Buffer.alloc(0) });
  return w.toBuffer();
}

function assignment(bytes: Buffer): ConsumerProtocolAssignment {
  const r = new Reader(bytes);
  r.int16();
  return decodeConsumerProtocolAssignment(r, 0);
}

describe('a consumer-group member that vanishes without leaving', () => {
  it('is expired after its session timeout and a kafkajs consumer takes over its partition', async () => {
    const topic = 'crashy';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const log = new Map<string, string[]>();
    const survivor = await startMember(kafka, 'g-crash', topic, 'survivor', log);
    await waitFor('survivor owns both partitions', () => survivor.partitions.join() === '0,1');

    // A raw member joins (JoinGroup v5: MEMBER_ID_REQUIRED first), syncs, and then goes silent.
    const raw = await RawClient.connect(broker.port);
    const join = (memberId: string) =>
      raw.request(11, 5, {
        groupId: 'g-crash',
        sessionTimeoutMs: 6_000,
        rebalanceTimeoutMs: 10_000,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'RoundRobinAssigner', metadata: subscription(topic) }],
      });
    const required = await join('');
    expect(required.errorCode).toBe(79);
    const joined = await join(required.memberId);
    expect(joined.errorCode).toBe(0);
    expect(joined.leader).not.toBe(joined.memberId);
    const synced = await raw.request(14, 3, { groupId: 'g-crash', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, assignments: [] });
    expect(synced.errorCode).toBe(0);
    const rawPartitions = assignment(synced.assignment).assignedPartitions.flatMap((t) => t.partitions);
    expect(rawPartitions).toHaveLength(1);
    await waitFor('survivor owns one partition', () => survivor.partitions.length === 1);
    expect([...survivor.partitions, ...rawPartitions].sort()).toEqual([0, 1]);

    const values = await produce(kafka, topic, 'x', 5, 2);
    const orphaned = values.filter((v) => v.startsWith(`x-p${rawPartitions[0]}-`));
    await waitFor("survivor's own 5 messages", () => log.size === 5);
    expect(orphaned.some((v) => log.has(v))).toBe(false);

    // No heartbeat from the raw member: after 6 s it is removed and the survivor gets everything.
    const started = Date.now();
    await waitFor('survivor takes over', () => survivor.partitions.join() === '0,1' && log.size === 10, 15_000);
    expect(Date.now() - started).toBeGreaterThan(3_000);
    expect([...log.values()].filter((readers) => readers.length > 1)).toEqual([]);
    expect(orphaned.every((v) => log.has(v))).toBe(true);
    const hb = await raw.request(12, 3, { groupId: 'g-crash', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null });
    expect(hb.errorCode).toBe(25);
    raw.close();
    await survivor.consumer.disconnect();
    await admin.disconnect();
  });
});

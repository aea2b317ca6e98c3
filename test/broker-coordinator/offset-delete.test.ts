// OffsetDelete (key 47) over the wire: Apache Kafka's answers for unknown groups, subscribed
// topics, unknown partitions and non-consumer groups, and a deletion that survives a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startBroker, type BrokerHandle } from '../../src/broker/start-broker.ts';
import { encodeConsumerProtocolSubscription } from '../../src/protocol/generated/consumer-protocol-subscription.ts';
import { Writer } from '../../src/protocol/primitives/writer.ts';
import { RawClient } from '../broker/raw-client.ts';

const dataDirs: string[] = [];
const open: { broker?: BrokerHandle; client?: RawClient } = {};

afterEach(async () => {
  open.client?.close();
  await open.broker?.close();
  open.client = undefined;
  open.broker = undefined;
});
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<RawClient> {
  open.broker = await startBroker({ port: 0, host: '127.0.0.1', dataDir, logLevel: (process.env.BROKER_TEST_LOG ?? 'silent') as 'silent' });
  open.client = await RawClient.connect(open.broker.port);
  return open.client;
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-offset-delete-'));
  dataDirs.push(dir);
  return dir;
}

function subscription(topics: string[]): Buffer {
  const w = new Writer();
  w.int16(1);
  encodeConsumerProtocolSubscription(w, 1, { topics, userData: null, ownedPartitions: [] });
  return w.toBuffer();
}

async function createTopic(client: RawClient, name: string, partitions: number): Promise<void> {
  const res = await client.request(19, 4, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
  expect(res.topics[0].errorCode).toBe(0);
}

/** Joins (JoinGroup v3 needs no member id round trip) and syncs one member; returns its id and generation. */
async function joinAndSync(client: RawClient, groupId: string, protocolType: string, metadata: Buffer): Promise<{ memberId: string; generationId: number }> {
  const joined = await client.request(11, 3, {
    groupId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId: '', protocolType,
    protocols: [{ name: 'range', metadata }],
  });
  expect(joined.errorCode).toBe(0);
  const synced = await client.request(14, 2, {
    groupId, generationId: joined.generationId, memberId: joined.memberId,
    assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }],
  });
  expect(synced.errorCode).toBe(0);
  return { memberId: joined.memberId, generationId: joined.generationId };
}

async function commit(client: RawClient, groupId: string, member: { memberId: string; generationId: number }, offsets: [string, number, number][]): Promise<void> {
  const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedMetadata: string }[]>();
  for (const [topic, partitionIndex, offset] of offsets) {
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partitionIndex, committedOffset: BigInt(offset), committedMetadata: '' }]);
  }
  const res = await client.request(8, 2, {
    groupId, generationIdOrMemberEpoch: member.generationId, memberId: member.memberId, retentionTimeMs: -1n,
    topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
  });
  for (const t of res.topics) for (const p of t.partitions) expect(p.errorCode, `commit ${t.name}-${p.partitionIndex}`).toBe(0);
}

async function committed(client: RawClient, groupId: string, topic: string, partitions: number[]): Promise<number[]> {
  const res = await client.request(9, 2, { groupId, topics: [{ name: topic, partitionIndexes: partitions }] });
  return res.topics[0].partitions.map((p: { committedOffset: bigint }) => Number(p.committedOffset));
}

const offsetDelete = (client: RawClient, groupId: string, topics: [string, number[]][]) =>
  client.request(47, 0, { groupId, topics: topics.map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex })) })) });

describe('OffsetDelete (key 47)', () => {
  it('is advertised as v0 in ApiVersions', async () => {
    const client = await start(freshDir());
    const res = await client.request(18, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    expect(res.apiKeys.find((k: { apiKey: number }) => k.apiKey === 47)).toEqual({ apiKey: 47, minVersion: 0, maxVersion: 0 });
  });

  it('answers GROUP_ID_NOT_FOUND for an unknown group and INVALID_GROUP_ID for an empty id, with no topics', async () => {
    const client = await start(freshDir());
    await createTopic(client, 'a', 1);
    expect(await offsetDelete(client, 'nobody', [['a', [0]]])).toEqual({ errorCode: 69, throttleTimeMs: 0, topics: [] });
    expect(await offsetDelete(client, '', [['a', [0]]])).toEqual({ errorCode: 24, throttleTimeMs: 0, topics: [] });
  });

  it('keeps the offsets of topics an active consumer group subscribes to (GROUP_SUBSCRIBED_TO_TOPIC) and deletes the others', async () => {
    const client = await start(freshDir());
    await createTopic(client, 'subscribed', 2);
    await createTopic(client, 'other', 2);
    const member = await joinAndSync(client, 'g', 'consumer', subscription(['subscribed']));
    await commit(client, 'g', member, [['subscribed', 0, 5], ['subscribed', 1, 6], ['other', 0, 7], ['other', 1, 8]]);

    const res = await offsetDelete(client, 'g', [['subscribed', [0, 1]], ['other', [1, 7]], ['missing', [0]]]);
    expect(res).toEqual({
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [
        { name: 'subscribed', partitions: [{ partitionIndex: 0, errorCode: 86 }, { partitionIndex: 1, errorCode: 86 }] },
        { name: 'other', partitions: [{ partitionIndex: 1, errorCode: 0 }, { partitionIndex: 7, errorCode: 3 }] },
        { name: 'missing', partitions: [{ partitionIndex: 0, errorCode: 3 }] },
      ],
    });
    expect(await committed(client, 'g', 'subscribed', [0, 1])).toEqual([5, 6]);
    expect(await committed(client, 'g', 'other', [0, 1])).toEqual([7, -1]);
  });

  it('answers NON_EMPTY_GROUP for a group with members that does not speak the consumer protocol', async () => {
    const client = await start(freshDir());
    await createTopic(client, 'a', 1);
    const member = await joinAndSync(client, 'connectors', 'connect', Buffer.from('worker'));
    await commit(client, 'connectors', member, [['a', 0, 3]]);
    expect(await offsetDelete(client, 'connectors', [['a', [0]]])).toEqual({ errorCode: 68, throttleTimeMs: 0, topics: [] });
    expect(await committed(client, 'connectors', 'a', [0])).toEqual([3]);
  });

  it('deletes the offsets of an empty group durably: gone after a restart, and the group with them', async () => {
    const dataDir = freshDir();
    let client = await start(dataDir);
    await createTopic(client, 't', 3);
    const member = await joinAndSync(client, 'g', 'consumer', subscription(['t']));
    await commit(client, 'g', member, [['t', 0, 10], ['t', 1, 11], ['t', 2, 12]]);
    expect((await client.request(13, 0, { groupId: 'g', memberId: member.memberId })).errorCode).toBe(0);

    const res = await offsetDelete(client, 'g', [['t', [0, 1]]]);
    expect(res).toEqual({ errorCode: 0, throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }] });
    expect(await committed(client, 'g', 't', [0, 1, 2])).toEqual([-1, -1, 12]);

    client.close();
    await open.broker!.close();
    client = await start(dataDir);
    expect(await committed(client, 'g', 't', [0, 1, 2])).toEqual([-1, -1, 12]);
    const groups = await client.request(16, 2, {});
    expect(groups.groups.map((g: { groupId: string }) => g.groupId)).toEqual(['g']);

    // Deleting the last offset of an empty group removes the group, as deleting the group would.
    expect((await offsetDelete(client, 'g', [['t', [2]]])).topics[0].partitions).toEqual([{ partitionIndex: 2, errorCode: 0 }]);
    expect((await client.request(16, 2, {})).groups).toEqual([]);
    expect((await offsetDelete(client, 'g', [['t', [2]]])).errorCode).toBe(69);
  });
});

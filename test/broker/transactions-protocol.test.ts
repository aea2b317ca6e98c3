// The transaction and idempotence APIs over the raw protocol, version by version: what ApiVersions
// advertises, PRODUCER_FENCED as each version understands it, AddPartitionsToTxn's unknown
// partitions and v4 verifyOnly, TxnOffsetCommit v3 checked against the group (KIP-447), OffsetFetch
// v8 with require_stable, and the produce-side checks (duplicates, gaps, unverified transactional
// batches).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { encodeRecordBatch } from '../../src/protocol/record-batch.ts';
import { startMemoryBroker } from './test-broker.ts';
import { RawClient } from './raw-client.ts';

describe('transaction APIs over the raw protocol', () => {
  let broker: Awaited<ReturnType<typeof startMemoryBroker>>;
  let client: RawClient;
  beforeAll(async () => {
    broker = await startMemoryBroker();
    broker.storage.createTopic('tp', 2);
    client = await RawClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const init = async (transactionalId: string | null, version = 4) => {
    const res = await client.request(22, version, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    expect(res.errorCode).toBe(0);
    return { producerId: res.producerId as bigint, producerEpoch: res.producerEpoch as number };
  };
  const addPartitions = (transactionalId: string, p: { producerId: bigint; producerEpoch: number }, partitions: number[], version = 3) =>
    client.request(24, version, { v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: 'tp', partitions }] });
  const produce = (records: Buffer, partition = 0, transactionalId: string | null = null) =>
    client.request(0, 7, { transactionalId, acks: -1, timeoutMs: 1000, topicData: [{ name: 'tp', partitionData: [{ index: partition, records }] }] })
      .then((r) => r.responses[0].partitionResponses[0] as { errorCode: number; baseOffset: bigint });
  const batch = (p: { producerId: bigint; producerEpoch: number }, seq: number, transactional = false) =>
    encodeRecordBatch({ producerId: Number(p.producerId), producerEpoch: p.producerEpoch, baseSequence: seq, transactional, records: [{ value: `v${seq}` }] });

  it('advertises the transaction APIs with Kafka 3.9’s version ranges', async () => {
    const res = await client.request(18, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    const range = (key: number) => res.apiKeys.find((k: { apiKey: number }) => k.apiKey === key);
    expect(range(22)).toEqual({ apiKey: 22, minVersion: 0, maxVersion: 5 });
    expect(range(24)).toEqual({ apiKey: 24, minVersion: 0, maxVersion: 5 });
    for (const key of [25, 26, 28]) expect(range(key)).toEqual({ apiKey: key, minVersion: 0, maxVersion: 4 });
    expect(range(9)).toEqual({ apiKey: 9, minVersion: 0, maxVersion: 9 });
    expect([27, 61, 65, 66].map((key) => range(key)?.maxVersion)).toEqual([1, 0, 0, 1]);
  });

  it('lists transactions by state and producer id, echoing unknown state filters', async () => {
    const p = await init('raw-listed');
    await addPartitions('raw-listed', p, [1]);
    const list = (body: object) => client.request(66, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, ...body });
    const ongoing = await list({ stateFilters: ['Ongoing', 'Bogus'] });
    expect(ongoing.unknownStateFilters).toEqual(['Bogus']);
    expect(ongoing.transactionStates).toContainEqual({ transactionalId: 'raw-listed', producerId: p.producerId, transactionState: 'Ongoing' });
    expect((await list({ producerIdFilters: [p.producerId] })).transactionStates).toEqual([{ transactionalId: 'raw-listed', producerId: p.producerId, transactionState: 'Ongoing' }]);
    expect((await list({ durationFilter: 3_600_000n })).transactionStates).toEqual([]);
    const described = await client.request(65, 0, { transactionalIds: ['raw-listed', 'nobody'] });
    expect(described.transactionStates.map((t: any) => [t.transactionalId, t.errorCode, t.transactionState, t.topics])).toEqual([
      ['raw-listed', 0, 'Ongoing', [{ topic: 'tp', partitions: [1] }]],
      ['nobody', ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, '', []],
    ]);
    await client.request(26, 3, { transactionalId: 'raw-listed', producerId: p.producerId, producerEpoch: p.producerEpoch, committed: false });
  });

  it('answers an idempotent retry over the wire with its original offset and a gap with OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const p = await init(null);
    const first = await produce(batch(p, 0), 1);
    await produce(batch(p, 1), 1);
    const retry = await produce(batch(p, 0), 1);
    expect([retry.errorCode, retry.baseOffset]).toEqual([ErrorCode.NONE, first.baseOffset]);
    expect((await produce(batch(p, 5), 1)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produce(batch({ ...p, producerEpoch: p.producerEpoch - 1 }, 2), 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('refuses a transactional batch for a partition the producer did not add (INVALID_TXN_STATE)', async () => {
    const p = await init('raw-verify');
    expect((await produce(batch(p, 0, true), 0, 'raw-verify')).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    const added = await addPartitions('raw-verify', p, [0]);
    expect(added.resultsByTopicV3AndBelow[0].resultsByPartition).toEqual([{ partitionIndex: 0, partitionErrorCode: 0 }]);
    expect((await produce(batch(p, 0, true), 0, 'raw-verify')).errorCode).toBe(ErrorCode.NONE);
    expect((await client.request(26, 3, { transactionalId: 'raw-verify', producerId: p.producerId, producerEpoch: p.producerEpoch, committed: false })).errorCode).toBe(0);
  });

  it('answers an unknown partition with UNKNOWN_TOPIC_OR_PARTITION and the others with OPERATION_NOT_ATTEMPTED', async () => {
    const p = await init('raw-unknown');
    const res = await addPartitions('raw-unknown', p, [1, 7]);
    expect(res.resultsByTopicV3AndBelow[0].resultsByPartition).toEqual([
      { partitionIndex: 1, partitionErrorCode: ErrorCode.OPERATION_NOT_ATTEMPTED },
      { partitionIndex: 7, partitionErrorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
    ]);
  });

  it('answers a fenced producer PRODUCER_FENCED from the versions that know it, INVALID_PRODUCER_EPOCH before', async () => {
    const old = await init('raw-fenced');
    await init('raw-fenced');
    const end = (version: number) => client.request(26, version, { transactionalId: 'raw-fenced', producerId: old.producerId, producerEpoch: old.producerEpoch, committed: true });
    expect((await end(1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await end(2)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    const add = async (version: number) => (await addPartitions('raw-fenced', old, [0], version)).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode;
    expect(await add(1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await add(3)).toBe(ErrorCode.PRODUCER_FENCED);
    const bump = (version: number) => client.request(22, version, { transactionalId: 'raw-fenced', transactionTimeoutMs: 60_000, producerId: old.producerId, producerEpoch: old.producerEpoch });
    expect((await bump(3)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await bump(4)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('verifyOnly (v4) answers NONE for partitions in the transaction and INVALID_TXN_STATE for others', async () => {
    const p = await init('raw-verify-only');
    await addPartitions('raw-verify-only', p, [0]);
    const res = await client.request(24, 4, {
      transactions: [{ transactionalId: 'raw-verify-only', producerId: p.producerId, producerEpoch: p.producerEpoch, verifyOnly: true, topics: [{ name: 'tp', partitions: [0, 1] }] }],
    });
    expect(res.resultsByTransaction[0].topicResults[0].resultsByPartition).toEqual([
      { partitionIndex: 0, partitionErrorCode: ErrorCode.NONE },
      { partitionIndex: 1, partitionErrorCode: ErrorCode.INVALID_TXN_STATE },
    ]);
  });

  it('checks TxnOffsetCommit v3 against the group, and keeps the offsets unstable for OffsetFetch v8 until the commit', async () => {
    const p = await init('raw-offsets');
    expect((await client.request(25, 3, { transactionalId: 'raw-offsets', producerId: p.producerId, producerEpoch: p.producerEpoch, groupId: 'raw-g' })).errorCode).toBe(0);
    const commit = (generationId: number, memberId: string) => client.request(28, 3, {
      transactionalId: 'raw-offsets', groupId: 'raw-g', producerId: p.producerId, producerEpoch: p.producerEpoch, generationId, memberId, groupInstanceId: null,
      topics: [{ name: 'tp', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
    }).then((r) => r.topics[0].partitions[0].errorCode);
    expect(await commit(4, 'ghost')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await commit(-1, '')).toBe(ErrorCode.NONE);
    const fetchOffsets = (requireStable: boolean) => client.request(9, 8, { groups: [{ groupId: 'raw-g', topics: [{ name: 'tp', partitionIndexes: [0] }] }, { groupId: 'other', topics: null }], requireStable })
      .then((r) => r.groups.map((g: any) => [g.groupId, g.topics.flatMap((t: any) => t.partitions.map((x: any) => [Number(x.committedOffset), x.errorCode]))]));
    expect(await fetchOffsets(true)).toEqual([['raw-g', [[-1, ErrorCode.UNSTABLE_OFFSET_COMMIT]]], ['other', []]]);
    expect(await fetchOffsets(false)).toEqual([['raw-g', [[-1, 0]]], ['other', []]]);
    expect((await client.request(26, 3, { transactionalId: 'raw-offsets', producerId: p.producerId, producerEpoch: p.producerEpoch, committed: true })).errorCode).toBe(0);
    expect(await fetchOffsets(true)).toEqual([['raw-g', [[3, 0]]], ['other', []]]);
  });
});

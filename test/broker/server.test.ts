import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startMemoryBroker } from './test-broker.ts';
import { RawClient } from './raw-client.ts';
import { encodeRecordBatch, decodeRecordBatches } from '../../src/protocol/record-batch.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';

type Broker = Awaited<ReturnType<typeof startMemoryBroker>>;

const produceBody = (topic: string, records: Buffer | null, acks = 1) => ({
  transactionalId: null, acks, timeoutMs: 1000,
  topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
});
const fetchBody = (topic: string, offset: number, maxWaitMs = 0) => ({
  replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
  topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
  forgottenTopicsData: [], rackId: '',
});

describe('broker server over the raw protocol', () => {
  let broker: Broker;
  let client: RawClient;
  beforeAll(async () => {
    broker = await startMemoryBroker();
    client = await RawClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it('answers ApiVersions v0 and v3 with the advertised ranges from the registry', async () => {
    for (const v of [0, 3]) {
      const res = await client.request(18, v, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
      expect(res.errorCode).toBe(0);
      const produce = res.apiKeys.find((k: { apiKey: number }) => k.apiKey === 0);
      expect(produce).toEqual({ apiKey: 0, minVersion: 0, maxVersion: 7 });
      expect(res.apiKeys.find((k: { apiKey: number }) => k.apiKey === 1)).toEqual({ apiKey: 1, minVersion: 0, maxVersion: 11 });
    }
  });

  it('answers an ApiVersions version it does not speak in v0 with UNSUPPORTED_VERSION', async () => {
    const res = await client.request(18, 0, {}).then(() => null);
    expect(res).toBeNull();
    // Build a v9 ApiVersions request by hand: header v2 then an empty tagged-field section.
    const raw = await RawClient.connect(broker.port);
    const frame = Buffer.from([0, 0, 0, 11, 0, 18, 0, 9, 0, 0, 0, 42, 0, 0, 0]);
    const reply = new Promise<Buffer>((resolve) => raw.socket.once('data', resolve));
    raw.writeRaw(frame);
    const bytes = await reply;
    expect(bytes.readInt32BE(4)).toBe(42);
    expect(bytes.readInt16BE(8)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(bytes.readInt32BE(10)).toBeGreaterThan(5);
    raw.close();
  });

  it('auto-creates a topic in Metadata v4 and describes this broker', async () => {
    const res = await client.request(3, 4, { topics: [{ name: 'auto-topic' }], allowAutoTopicCreation: true });
    expect(res.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: broker.port, rack: null }]);
    expect(res.clusterId).toBe('test-cluster-id-000000');
    expect(res.topics[0]).toMatchObject({ errorCode: 0, name: 'auto-topic' });
    expect(res.topics[0].partitions).toHaveLength(1);
    const bad = await client.request(3, 4, { topics: [{ name: 'bad name!' }], allowAutoTopicCreation: true });
    expect(bad.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const no = await client.request(3, 4, { topics: [{ name: 'not-created' }], allowAutoTopicCreation: false });
    expect(no.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('produces, fetches back, lists offsets, and rejects a bad CRC with CORRUPT_MESSAGE', async () => {
    const batch = encodeRecordBatch({ records: [{ key: 'a', value: '1', timestamp: 1000 }, { key: 'b', value: '2', timestamp: 2000 }] });
    const p = await client.request(0, 7, produceBody('raw-topic', batch));
    expect(p.responses[0].partitionResponses[0]).toMatchObject({ index: 0, errorCode: 0, baseOffset: 0n });
    const p2 = await client.request(0, 7, produceBody('raw-topic', batch));
    expect(p2.responses[0].partitionResponses[0].baseOffset).toBe(2n);
    const corrupt = Buffer.from(batch);
    corrupt[corrupt.length - 1] ^= 0x55;
    const bad = await client.request(0, 3, produceBody('raw-topic', corrupt));
    expect(bad.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const f = await client.request(1, 11, fetchBody('raw-topic', 1));
    const part = f.responses[0].partitions[0];
    expect(part.highWatermark).toBe(4n);
    const records = decodeRecordBatches(part.records).flatMap((b) => b.records);
    expect(records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()])).toEqual([
      [0, 'a', '1'], [1, 'b', '2'], [2, 'a', '1'], [3, 'b', '2'],
    ]);
    const out = await client.request(1, 4, fetchBody('raw-topic', 99));
    expect(out.responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const lo = await client.request(2, 3, {
      replicaId: -1, isolationLevel: 0,
      topics: [{ name: 'raw-topic', partitions: [{ partitionIndex: 0, timestamp: -1n }, { partitionIndex: 0, timestamp: -2n }, { partitionIndex: 0, timestamp: 1500n }] }],
    });
    expect(lo.topics[0].partitions.map((x: { offset: bigint }) => x.offset)).toEqual([4n, 0n, 0n]);
  });

  it('sends no response to acks=0 but keeps later responses in order', async () => {
    const batch = encodeRecordBatch({ records: [{ value: 'quiet' }] });
    client.send(0, 7, produceBody('acks0', batch, 0));
    const f = await client.request(1, 11, fetchBody('acks0', 0));
    expect(decodeRecordBatches(f.responses[0].partitions[0].records)[0].records[0].value?.toString()).toBe('quiet');
  });

  it('holds a fetch until a produce arrives, then answers at once', async () => {
    await client.request(19, 3, { topics: [{ name: 'long-poll', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    const other = await RawClient.connect(broker.port);
    const started = Date.now();
    const pending = client.request(1, 11, fetchBody('long-poll', 0, 5000));
    setTimeout(() => void other.request(0, 7, produceBody('long-poll', encodeRecordBatch({ records: [{ value: 'wake' }] }))), 200);
    const f = await pending;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2000);
    expect(decodeRecordBatches(f.responses[0].partitions[0].records)[0].records[0].value?.toString()).toBe('wake');
    other.close();
  });

  it('answers an empty fetch after max_wait_ms', async () => {
    const started = Date.now();
    const f = await client.request(1, 11, fetchBody('long-poll', 1, 300));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(f.responses[0].partitions[0].records.length).toBe(0);
    expect(f.responses[0].partitions[0].highWatermark).toBe(1n);
  });

  it('writes responses in request order even when an earlier fetch waits', async () => {
    const order: string[] = [];
    const slow = client.request(1, 11, fetchBody('long-poll', 1, 400)).then(() => order.push('fetch'));
    const quick = client.request(3, 1, { topics: null }).then(() => order.push('metadata'));
    await Promise.all([slow, quick]);
    expect(order).toEqual(['fetch', 'metadata']);
  });

  it('honours per-partition and total fetch byte limits, but always returns one whole batch', async () => {
    await client.request(19, 3, { topics: [{ name: 'limits', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    const big = encodeRecordBatch({ records: [{ value: Buffer.alloc(3000, 1) }] });
    for (let i = 0; i < 3; i++) {
      await client.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 100, topicData: [{ name: 'limits', partitionData: [{ index: 0, records: big }, { index: 1, records: big }] }] });
    }
    const req = (partitionMaxBytes: number, maxBytes: number) => ({
      ...fetchBody('limits', 0), maxBytes,
      topics: [{ topic: 'limits', partitions: [0, 1].map((partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes })) }],
    });
    const sizes = async (pmb: number, mb: number) =>
      (await client.request(1, 11, req(pmb, mb))).responses[0].partitions.map((p: { records: Buffer }) => decodeRecordBatches(p.records).length);
    expect(await sizes(1 << 20, 1 << 20)).toEqual([3, 3]);
    expect(await sizes(7000, 1 << 20)).toEqual([2, 2]);
    expect(await sizes(100, 1 << 20)).toEqual([1, 1]);
    expect(await sizes(1 << 20, 7000)).toEqual([2, 0]);
    expect(await sizes(1 << 20, 100)).toEqual([1, 0]);
  });

  it('answers unknown partitions and invalid acks per partition', async () => {
    const batch = encodeRecordBatch({ records: [{ value: 'x' }] });
    const res = await client.request(0, 5, { transactionalId: null, acks: 1, timeoutMs: 100, topicData: [{ name: 'raw-topic', partitionData: [{ index: 9, records: batch }] }] });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const acks = await client.request(0, 7, { transactionalId: null, acks: 2, timeoutMs: 100, topicData: [{ name: 'raw-topic', partitionData: [{ index: 0, records: batch }] }] });
    expect(acks.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    const meta = await client.request(3, 0, { topics: [] });
    expect(meta.topics.map((t: { name: string }) => t.name)).toContain('raw-topic');
  });
});

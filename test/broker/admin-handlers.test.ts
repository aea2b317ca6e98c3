import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMemoryBroker } from './test-broker.ts';
import { RawClient } from './raw-client.ts';
import { encodeRecordBatch } from '../../src/protocol/record-batch.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { loadClusterMeta } from '../../src/broker/cluster-meta.ts';

type Broker = Awaited<ReturnType<typeof startMemoryBroker>>;
const topic = (name: string, numPartitions = 1, configs: { name: string; value: string | null }[] = []) =>
  ({ name, numPartitions, replicationFactor: 1, assignments: [], configs });

describe('admin and producer-id handlers', () => {
  let broker: Broker;
  let client: RawClient;
  beforeAll(async () => {
    broker = await startMemoryBroker({ defaultPartitions: 4 });
    client = await RawClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it('CreateTopics: default partitions, configs, validate_only and every error code', async () => {
    const res = await client.request(19, 4, {
      topics: [
        topic('c-default', -1), topic('c-conf', 2, [{ name: 'cleanup.policy', value: 'compact' }]), topic('bad/name'),
        topic('c-zero', 0), topic('c-unknown-conf', 1, [{ name: 'no.such.config', value: 'x' }]),
      ],
      timeoutMs: 1000, validateOnly: false,
    });
    expect(res.topics.map((t: { name: string; errorCode: number }) => [t.name, t.errorCode])).toEqual([
      ['c-default', 0], ['c-conf', 0], ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['c-zero', ErrorCode.INVALID_PARTITIONS], ['c-unknown-conf', ErrorCode.INVALID_CONFIG],
    ]);
    expect(broker.storage.topic('c-default')?.partitions).toBe(4);
    expect(broker.storage.topic('c-conf')?.configs).toEqual({ 'cleanup.policy': 'compact' });
    const again = await client.request(19, 2, { topics: [topic('c-default')], timeoutMs: 1000, validateOnly: false });
    expect(again.topics[0].errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    const dry = await client.request(19, 3, { topics: [topic('c-dry', 3)], timeoutMs: 1000, validateOnly: true });
    expect(dry.topics[0].errorCode).toBe(0);
    expect(broker.storage.topic('c-dry')).toBeUndefined();
  });

  it('DescribeConfigs reports explicit topic configs, defaults and the broker resource', async () => {
    const res = await client.request(32, 2, {
      resources: [
        { resourceType: 2, resourceName: 'c-conf', configurationKeys: ['cleanup.policy', 'segment.bytes'] },
        { resourceType: 4, resourceName: '0', configurationKeys: ['num.partitions'] },
        { resourceType: 2, resourceName: 'missing', configurationKeys: null },
      ],
      includeSynonyms: false,
    });
    expect(res.results[0].configs.map((c: { name: string; value: string; configSource: number }) => [c.name, c.value, c.configSource])).toEqual([
      ['cleanup.policy', 'compact', 1], ['segment.bytes', '1073741824', 5],
    ]);
    expect(res.results[1].configs[0]).toMatchObject({ name: 'num.partitions', value: '4' });
    expect(res.results[2].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('AlterConfigs replaces the explicit set; CreatePartitions only grows', async () => {
    const alter = await client.request(33, 1, { resources: [{ resourceType: 2, resourceName: 'c-conf', configs: [{ name: 'retention.ms', value: '60000' }] }], validateOnly: false });
    expect(alter.responses[0].errorCode).toBe(0);
    expect(broker.storage.topic('c-conf')?.configs).toEqual({ 'retention.ms': '60000' });
    const grow = await client.request(37, 1, { topics: [{ name: 'c-conf', count: 5, assignments: null }, { name: 'c-default', count: 2, assignments: null }], timeoutMs: 100, validateOnly: false });
    expect(grow.results.map((r: { errorCode: number }) => r.errorCode)).toEqual([0, ErrorCode.INVALID_PARTITIONS]);
    expect(broker.storage.topic('c-conf')?.partitions).toBe(5);
  });

  it('DeleteRecords moves the log start offset and ListOffsets v0 reports it', async () => {
    const batch = encodeRecordBatch({ records: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await client.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 100, topicData: [{ name: 'c-conf', partitionData: [{ index: 0, records: batch }] }] });
    const del = await client.request(21, 1, { topics: [{ name: 'c-conf', partitions: [{ partitionIndex: 0, offset: 2n }, { partitionIndex: 1, offset: 5n }] }], timeoutMs: 100 });
    expect(del.topics[0].partitions.map((p: { lowWatermark: bigint; errorCode: number }) => [p.lowWatermark, p.errorCode])).toEqual([[2n, 0], [0n, ErrorCode.OFFSET_OUT_OF_RANGE]]);
    const lo = await client.request(2, 0, { replicaId: -1, topics: [{ name: 'c-conf', partitions: [{ partitionIndex: 0, timestamp: -2n, maxNumOffsets: 1 }] }] });
    expect(lo.topics[0].partitions[0].oldStyleOffsets).toEqual([2n]);
  });

  it('InitProducerId hands out increasing ids with epoch 0', async () => {
    const a = await client.request(22, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
    const b = await client.request(22, 0, { transactionalId: null, transactionTimeoutMs: 60000 });
    expect(a.errorCode).toBe(0);
    expect(a.producerEpoch).toBe(0);
    expect(b.producerId).toBe(a.producerId + 1n);
  });

  it('DeleteTopics deletes known topics and reports unknown ones', async () => {
    const res = await client.request(20, 1, { topicNames: ['c-dry', 'c-default'], timeoutMs: 100 });
    expect(res.responses.map((r: { name: string; errorCode: number }) => ({ name: r.name, errorCode: r.errorCode }))).toEqual([{ name: 'c-dry', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }, { name: 'c-default', errorCode: 0 }]);
    expect(broker.storage.topic('c-default')).toBeUndefined();
  });
});

describe('cluster meta', () => {
  it('creates a 22-character cluster id once and reads the same one back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-meta-'));
    try {
      const first = loadClusterMeta(dir);
      expect(first.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(loadClusterMeta(dir)).toEqual(first);
      expect(readFileSync(join(dir, 'meta.properties'), 'utf8')).toContain(`cluster.id=${first.clusterId}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

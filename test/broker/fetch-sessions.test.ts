import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchSessionCache } from '../../src/broker/fetch-sessions/fetch-session-cache.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/record-batch.ts';
import { startMemoryBroker } from './test-broker.ts';
import { RawClient } from './raw-client.ts';

const target = (partition: number, fetchOffset = 0) => ({ topic: 't', partition, fetchOffset, maxBytes: 1 << 20 });

describe('FetchSessionCache', () => {
  it('opens a session with epoch 0, continues it with the expected epoch, and closes it with epoch -1', () => {
    const cache = new FetchSessionCache();
    const opened = cache.open({ sessionId: 0, sessionEpoch: 0, targets: [target(0), target(1)], forgotten: [] });
    expect(opened.kind).toBe('full');
    const id = opened.kind === 'full' ? opened.session.id : 0;
    expect(id).toBeGreaterThan(0);
    const next = cache.open({ sessionId: id, sessionEpoch: 1, targets: [target(1, 5)], forgotten: [{ topic: 't', partition: 0 }] });
    expect(next.kind).toBe('incremental');
    expect(next.kind === 'incremental' && next.targets).toEqual([target(1, 5)]);
    expect(cache.open({ sessionId: id, sessionEpoch: 1, targets: [], forgotten: [] })).toEqual({ kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH });
    expect(cache.open({ sessionId: id, sessionEpoch: 2, targets: [], forgotten: [] }).kind).toBe('incremental');
    expect(cache.open({ sessionId: id, sessionEpoch: -1, targets: [target(0)], forgotten: [] })).toEqual({ kind: 'sessionless', targets: [target(0)] });
    expect(cache.open({ sessionId: id, sessionEpoch: 3, targets: [], forgotten: [] })).toEqual({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used session when full', () => {
    const cache = new FetchSessionCache({ maxSessions: 2 });
    const idOf = (c: ReturnType<FetchSessionCache['open']>) => (c.kind === 'full' ? c.session.id : -1);
    const a = idOf(cache.open({ sessionId: 0, sessionEpoch: 0, targets: [target(0)], forgotten: [] }));
    const b = idOf(cache.open({ sessionId: 0, sessionEpoch: 0, targets: [target(0)], forgotten: [] }));
    expect(cache.open({ sessionId: a, sessionEpoch: 1, targets: [], forgotten: [] }).kind).toBe('incremental');
    cache.open({ sessionId: 0, sessionEpoch: 0, targets: [target(0)], forgotten: [] });
    expect(cache.size).toBe(2);
    expect(cache.open({ sessionId: b, sessionEpoch: 1, targets: [], forgotten: [] })).toEqual({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });
    expect(cache.open({ sessionId: a, sessionEpoch: 2, targets: [], forgotten: [] }).kind).toBe('incremental');
  });
});

describe('Fetch with sessions over the raw protocol', () => {
  let broker: Awaited<ReturnType<typeof startMemoryBroker>>;
  let client: RawClient;
  beforeAll(async () => {
    broker = await startMemoryBroker();
    broker.storage.createTopic('s', 2);
    client = await RawClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const fetch = (sessionId: number, sessionEpoch: number, partitions: { partition: number; offset: number }[], forgotten: number[] = [], maxWaitMs = 0) =>
    client.request(1, 11, {
      replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId, sessionEpoch,
      topics: partitions.length === 0 ? [] : [{ topic: 's', partitions: partitions.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(p.offset), logStartOffset: -1n, partitionMaxBytes: 1 << 20 })) }],
      forgottenTopicsData: forgotten.length === 0 ? [] : [{ topic: 's', partitions: forgotten }], rackId: '',
    });
  const produce = (partition: number, value: string) =>
    client.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 's', partitionData: [{ index: partition, records: encodeRecordBatch({ records: [{ value }] }) }] }] });
  const partitionsOf = (res: any): number[] => res.responses.flatMap((t: any) => t.partitions.map((p: any) => p.partitionIndex));
  const valuesOf = (res: any): string[] => res.responses.flatMap((t: any) => t.partitions.flatMap((p: any) => decodeRecordBatches(p.records).flatMap((b) => b.records.map((r) => r.value!.toString()))));

  it('answers a session’s incremental fetches with only the partitions that have news', async () => {
    const full = await fetch(0, 0, [{ partition: 0, offset: 0 }, { partition: 1, offset: 0 }]);
    expect(full.sessionId).toBeGreaterThan(0);
    expect(partitionsOf(full)).toEqual([0, 1]);
    const id = full.sessionId;

    expect(partitionsOf(await fetch(id, 1, []))).toEqual([]);
    await produce(1, 'one');
    const news = await fetch(id, 2, []);
    expect([partitionsOf(news), valuesOf(news)]).toEqual([[1], ['one']]);
    expect(news.responses[0].partitions[0].highWatermark).toBe(1n);
    // The client moves its position; nothing new arrives within max_wait_ms.
    expect(partitionsOf(await fetch(id, 3, [{ partition: 1, offset: 1 }], [], 50))).toEqual([]);
    // A long-poll within the session wakes on an append to a partition the request did not name.
    const waiting = fetch(id, 4, [], [], 10_000);
    await produce(0, 'zero');
    const woke = await waiting;
    expect([partitionsOf(woke), valuesOf(woke)]).toEqual([[0], ['zero']]);
    // Forgotten partitions leave the session.
    await produce(0, 'zero-again');
    expect(partitionsOf(await fetch(id, 5, [], [0]))).toEqual([]);
    expect((await fetch(id, 5, [])).errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    const closed = await fetch(id, -1, [{ partition: 0, offset: 0 }]);
    expect([closed.errorCode, closed.sessionId, valuesOf(closed)]).toEqual([0, 0, ['zero', 'zero-again']]);
    expect((await fetch(id, 6, [])).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });
});

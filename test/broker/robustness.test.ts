import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startMemoryBroker } from './test-broker.ts';
import { RawClient } from './raw-client.ts';
import { Writer } from '../../src/protocol/primitives/writer.ts';
import { encodeRequestHeader } from '../../src/protocol/generated/request-header.ts';
import { API_CODECS } from '../../src/protocol/generated/index.ts';
import { requestHeaderVersion } from '../../src/protocol/header-versions.ts';
import { encodeRecordBatch } from '../../src/protocol/record-batch.ts';

type Broker = Awaited<ReturnType<typeof startMemoryBroker>>;

/** Sends bytes on a fresh connection; resolves with what came back once the broker closes it or `ms` pass. */
function exchange(port: number, bytes: Buffer, ms = 1000): Promise<{ closedByBroker: boolean; received: Buffer }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.write(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ closedByBroker: false, received: Buffer.concat(chunks) });
    }, ms);
    s.on('data', (d) => {
      chunks.push(d);
      clearTimeout(timer);
      s.destroy();
      resolve({ closedByBroker: false, received: Buffer.concat(chunks) });
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ closedByBroker: true, received: Buffer.concat(chunks) });
    });
  });
}

function frame(apiKey: number, version: number, body: unknown): Buffer {
  const w = new Writer();
  w.int32(0);
  encodeRequestHeader(w, requestHeaderVersion(apiKey, version), { requestApiKey: apiKey, requestApiVersion: version, correlationId: 1, clientId: 'fuzz' });
  API_CODECS.get(apiKey)!.encodeRequest(w, version, body);
  w.setInt32(0, w.offset - 4);
  return w.toBuffer();
}

/** Deterministic PRNG (mulberry32) so the fuzz run is reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function kafkajsRoundTrip(address: string, topic: string): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'after', brokers: [address], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'still-alive-1' }, { value: 'still-alive-2' }] });
  await producer.disconnect();
  const client = await RawClient.connect(Number(address.split(':')[1]));
  const res = await client.request(1, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  client.close();
  const { decodeRecordBatches } = await import('../../src/protocol/record-batch.ts');
  return decodeRecordBatches(res.responses[0].partitions[0].records).flatMap((b) => b.records.map((r) => r.value!.toString()));
}

describe('broker robustness', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startMemoryBroker({ maxFrameBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('closes only the connection that sent a malformed request', async () => {
    const bystander = await RawClient.connect(broker.port);
    // A Metadata v4 request whose topic array claims 1000 entries but holds none.
    const bad = Buffer.from([0, 0, 0, 16, 0, 3, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0x03, 0xe8, 0, 0]);
    bad.writeInt32BE(bad.length - 4, 0);
    bad.writeInt32BE(1000, 14);
    const res = await exchange(broker.port, bad);
    expect(res.closedByBroker).toBe(true);
    expect(res.received.length).toBe(0);
    const meta = await bystander.request(3, 1, { topics: null });
    expect(meta.brokers[0].port).toBe(broker.port);
    bystander.close();
  });

  it('closes a connection whose frame is larger than maxFrameBytes, before reading it', async () => {
    const header = Buffer.alloc(8);
    header.writeInt32BE(10 * 1024 * 1024, 0);
    const res = await exchange(broker.port, header);
    expect(res.closedByBroker).toBe(true);
  });

  it('closes a connection that asks for an API or version it does not implement', async () => {
    expect((await exchange(broker.port, frame(0, 2, { acks: 1, timeoutMs: 1, topicData: [] }))).closedByBroker).toBe(true);
    const unknownKey = Buffer.from([0, 0, 0, 10, 0x7f, 0x00, 0, 0, 0, 0, 0, 1, 0xff, 0xff]);
    unknownKey.writeInt32BE(unknownKey.length - 4, 0);
    expect((await exchange(broker.port, unknownKey)).closedByBroker).toBe(true);
  });

  it('still serves kafkajs after malformed and oversized frames', async () => {
    expect(await kafkajsRoundTrip(broker.address, 'after-bad-frames')).toEqual(['still-alive-1', 'still-alive-2']);
  });

  it('survives 2000 fuzzed frames (random bytes and truncated or bit-flipped valid requests)', async () => {
    const rand = prng(20261123);
    const valid = [
      frame(18, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
      frame(3, 4, { topics: [{ name: 'fuzz-topic' }], allowAutoTopicCreation: true }),
      frame(0, 7, { transactionalId: null, acks: 1, timeoutMs: 100, topicData: [{ name: 'fuzz-topic', partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ key: 'k', value: 'v' }] }) }] }] }),
      frame(19, 3, { topics: [{ name: 'fuzz-created', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '5000' }] }], timeoutMs: 100, validateOnly: true }),
      frame(2, 3, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'fuzz-topic', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }),
    ];
    const frames: Buffer[] = [];
    for (let i = 0; i < 2000; i++) {
      const kind = i % 4;
      const base = valid[Math.floor(rand() * valid.length)];
      let f: Buffer;
      if (kind === 0) {
        f = Buffer.from(Array.from({ length: 4 + Math.floor(rand() * 60) }, () => Math.floor(rand() * 256)));
      } else if (kind === 1) {
        const cut = 4 + Math.floor(rand() * (base.length - 4));
        f = Buffer.from(base.subarray(0, cut));
        f.writeInt32BE(cut - 4, 0);
      } else {
        f = Buffer.from(base);
        const flips = 1 + Math.floor(rand() * 4);
        for (let j = 0; j < flips; j++) f[12 + Math.floor(rand() * (f.length - 12))] ^= 1 << Math.floor(rand() * 8);
      }
      frames.push(f);
    }
    // Send in batches of 50 concurrent connections, each sending one frame then closing after 300 ms.
    let answered = 0;
    let closed = 0;
    for (let i = 0; i < frames.length; i += 50) {
      const results = await Promise.all(frames.slice(i, i + 50).map((f) => exchange(broker.port, f, 300)));
      answered += results.filter((r) => r.received.length > 0).length;
      closed += results.filter((r) => r.closedByBroker && r.received.length === 0).length;
    }
    // Both paths were exercised: some frames still decoded and got answers, many were rejected.
    expect(answered).toBeGreaterThan(100);
    expect(closed).toBeGreaterThan(500);
    expect(await kafkajsRoundTrip(broker.address, 'after-fuzz')).toEqual(['still-alive-1', 'still-alive-2']);
  }, 120_000);
});

import type { Kafka, ProducerBatch } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SerializationError } from '../topics/serialization-errors.ts';
import { Topic } from '../topics/topic.ts';
import { KafkajsProducer, SEND_CHUNK_BYTES, SEND_CHUNK_RECORDS } from './kafkajs/kafkajs-producer.ts';
import { SluiceProducer, type SluiceProducerOptions } from './sluice-producer.ts';

/**
 * A kafkajs stand-in recording what the producer sends. `failures` are thrown by the next
 * connect/sendBatch calls, one each, in order; `partitions` is what its admin reports per topic.
 */
function fakeKafka(options: { failures?: Array<{ on: 'connect' | 'send'; error: Error }>; alwaysFail?: Error; partitions?: Record<string, number> } = {}) {
  const batches: ProducerBatch[] = [];
  const calls: string[] = [];
  const failures = [...(options.failures ?? [])];
  const failNext = (on: 'connect' | 'send') => {
    if (options.alwaysFail && on === 'send') throw options.alwaysFail;
    if (failures[0]?.on === on) throw failures.shift()!.error;
  };
  const kafka = {
    producer: () => ({
      connect: async () => {
        calls.push('connect');
        failNext('connect');
      },
      disconnect: async () => void calls.push('disconnect'),
      sendBatch: async (batch: ProducerBatch) => {
        calls.push('send');
        failNext('send');
        batches.push(batch);
        return [];
      },
    }),
    admin: () => ({
      connect: async () => void calls.push('admin.connect'),
      disconnect: async () => void calls.push('admin.disconnect'),
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        calls.push(`metadata ${topics.join(',')}`);
        return { topics: topics.map((name) => ({ name, partitions: Array.from({ length: options.partitions?.[name] ?? 1 }, (_, i) => ({ partitionId: i })) })) };
      },
    }),
  } as unknown as Kafka;
  return { kafka, batches, calls };
}

/** An error as kafkajs throws it when the broker cannot be reached (retriable). */
const connectionError = (): Error => Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError', retriable: true });

const logger = pino({ level: 'silent' });

/** A SluiceProducer on the kafkajs RecordProducer of `kafka`. */
function sluiceProducer(kafka: Kafka, options: Omit<SluiceProducerOptions, 'logger'> & { deliveryTimeoutMs?: number } = {}): SluiceProducer {
  const { deliveryTimeoutMs, ...rest } = options;
  return new SluiceProducer(new KafkajsProducer(kafka, { logger, ...(deliveryTimeoutMs === undefined ? {} : { deliveryTimeoutMs }) }), { logger, ...rest });
}

describe('SluiceProducer', () => {
  it('serializes with the topic serializers and sends one batch per flush with acks -1', async () => {
    const { kafka, batches, calls } = fakeKafka({ partitions: { json: 3 } });
    const producer = sluiceProducer(kafka, { lingerMs: 1000 });
    const ints = new Topic<number>('ints', { valueSerializer: 'int' });
    const json = new Topic<{ a: number }>('json');
    producer.produce(ints, { key: 'k', value: 258, timestamp: 5, headers: { h: 'x' } });
    producer.produce(json, { value: { a: 1 }, timestamp: 6, partition: 2 });
    await producer.flush();
    expect(batches).toHaveLength(1);
    expect(batches[0].acks).toBe(-1);
    expect(batches[0].topicMessages).toEqual([
      { topic: 'ints', messages: [{ key: Buffer.from('k'), value: Buffer.from([0, 0, 1, 2]), headers: { h: 'x' }, timestamp: '5' }] },
      { topic: 'json', messages: [{ key: null, value: Buffer.from('{"a":1}'), headers: {}, timestamp: '6', partition: 2 }] },
    ]);
    await producer.close();
    expect(calls).toEqual(['connect', 'admin.connect', 'metadata json', 'send', 'admin.disconnect', 'disconnect']);
  });

  it('sends full batches without waiting for the linger time', async () => {
    const { kafka, batches } = fakeKafka();
    const producer = sluiceProducer(kafka, { lingerMs: 60_000, batchSize: 1000 });
    const t = new Topic<number>('n');
    for (let i = 0; i < 2500; i++) producer.produce(t, { value: i });
    await producer.flush();
    expect(batches.map((b) => b.topicMessages![0].messages.length)).toEqual([1000, 1000, 500]);
    await producer.close();
  });

  it('sendRecords splits a large result into sequential requests under the record and byte limits, in order', async () => {
    const { kafka, batches } = fakeKafka();
    const producer = sluiceProducer(kafka);
    const big = Buffer.alloc(100 * 1024, 1); // 5 fit under SEND_CHUNK_BYTES
    const records = [
      ...Array.from({ length: 2500 }, (_, i) => ({ topic: 'words', key: Buffer.from(`k${i % 7}`), value: Buffer.from(String(i)), headers: {}, timestamp: i })),
      ...Array.from({ length: 12 }, (_, i) => ({ topic: 'blobs', key: null, value: big, headers: {}, timestamp: i })),
    ];
    await producer.sendRecords(records);
    const sizes = batches.map((b) => b.topicMessages!.map((t) => `${t.topic}:${t.messages.length}`).join(','));
    expect(sizes).toEqual(['words:1000', 'words:1000', 'words:500,blobs:4', 'blobs:5', 'blobs:3']);
    const words = batches.flatMap((b) => b.topicMessages!.filter((t) => t.topic === 'words').flatMap((t) => t.messages.map((m) => Number(m.value))));
    expect(words).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(SEND_CHUNK_RECORDS).toBe(1000);
    expect(SEND_CHUNK_BYTES).toBe(512 * 1024);
    await producer.close();
  });

  it('throws serialization errors from produce', () => {
    const producer = sluiceProducer(fakeKafka().kafka);
    expect(() => producer.produce(new Topic<number>('ints', { valueSerializer: 'int' }), { value: 0.5 })).toThrow(SerializationError);
  });

  it('surfaces a failed send on flush unless onError returns true', async () => {
    const failing = sluiceProducer(fakeKafka({ alwaysFail: new Error('broker said no') }).kafka);
    failing.produce(new Topic('t'), { value: 1 });
    await expect(failing.flush()).rejects.toThrow('broker said no');
    expect(() => failing.produce(new Topic('t'), { value: 2 })).toThrow('broker said no');

    const seen: string[] = [];
    const tolerant = sluiceProducer(fakeKafka({ alwaysFail: new Error('broker said no') }).kafka, {
      onError: (e) => seen.push(e.message) > 0,
    });
    tolerant.produce(new Topic('t'), { value: 1 });
    await tolerant.flush();
    expect(seen).toEqual(['broker said no']);
  });

  it('tries a send again while the broker is unreachable, and reconnects after a failed connect', async () => {
    const { kafka, batches, calls } = fakeKafka({ failures: [{ on: 'connect', error: connectionError() }, { on: 'send', error: connectionError() }] });
    const producer = sluiceProducer(kafka, { deliveryTimeoutMs: 10_000 });
    await producer.sendRecords([{ topic: 't', key: null, value: Buffer.from('1'), headers: {}, timestamp: 1 }]);
    expect(calls).toEqual(['connect', 'connect', 'send', 'send']);
    expect(batches).toHaveLength(1);
  });

  it('gives up a retriable failure after deliveryTimeoutMs, saying how long and how often it tried', async () => {
    const { kafka } = fakeKafka({ alwaysFail: connectionError() });
    const producer = sluiceProducer(kafka, { deliveryTimeoutMs: 250 });
    const started = Date.now();
    await expect(producer.sendRecords([{ topic: 't', key: null, value: null, headers: {}, timestamp: 1 }])).rejects.toThrow(
      /^producing 1 record\(s\) failed for 250 ms \(\d attempts\): Connection error: connect ECONNREFUSED/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails a non-retriable send at once', async () => {
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { retriable: false });
    const { kafka, calls } = fakeKafka({ alwaysFail: tooLarge });
    const producer = sluiceProducer(kafka, { deliveryTimeoutMs: 60_000 });
    await expect(producer.sendRecords([{ topic: 't', key: null, value: null, headers: {}, timestamp: 1 }])).rejects.toBe(tooLarge);
    expect(calls.filter((c) => c === 'send')).toHaveLength(1);
  });

  it('refuses a record for a partition the topic does not have, instead of letting kafkajs drop it', async () => {
    const { kafka, batches } = fakeKafka({ partitions: { changelog: 1 } });
    const producer = sluiceProducer(kafka);
    const record = (partition: number) => ({ topic: 'changelog', partition, key: Buffer.from('k'), value: Buffer.from('1'), headers: {}, timestamp: 1 });
    await producer.sendRecords([record(0)]);
    await expect(producer.sendRecords([record(1)])).rejects.toThrow("cannot write to partition 1 of topic 'changelog': it has 1 partition(s)");
    expect(batches).toHaveLength(1);
    await producer.close();
  });

  it('refuses to produce after close', async () => {
    const producer = sluiceProducer(fakeKafka().kafka);
    await producer.close();
    expect(() => producer.produce(new Topic('t'), { value: 1 })).toThrow('this producer is closed');
  });
});

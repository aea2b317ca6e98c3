import type { Kafka, ProducerBatch } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SerializationError } from '../topics/serialization-errors.ts';
import { Topic } from '../topics/topic.ts';
import { SEND_CHUNK_BYTES, SEND_CHUNK_RECORDS, SluiceProducer } from './sluice-producer.ts';

/** A kafkajs stand-in recording what the producer sends; `fail` makes sendBatch reject. */
function fakeKafka(fail?: Error) {
  const batches: ProducerBatch[] = [];
  const calls: string[] = [];
  const kafka = {
    producer: () => ({
      connect: async () => void calls.push('connect'),
      disconnect: async () => void calls.push('disconnect'),
      sendBatch: async (batch: ProducerBatch) => {
        if (fail) throw fail;
        batches.push(batch);
        return [];
      },
    }),
  } as unknown as Kafka;
  return { kafka, batches, calls };
}

const logger = pino({ level: 'silent' });

describe('SluiceProducer', () => {
  it('serializes with the topic serializers and sends one batch per flush with acks -1', async () => {
    const { kafka, batches, calls } = fakeKafka();
    const producer = new SluiceProducer(kafka, { logger, lingerMs: 1000 });
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
    expect(calls).toEqual(['connect', 'disconnect']);
  });

  it('sends full batches without waiting for the linger time', async () => {
    const { kafka, batches } = fakeKafka();
    const producer = new SluiceProducer(kafka, { logger, lingerMs: 60_000, batchSize: 1000 });
    const t = new Topic<number>('n');
    for (let i = 0; i < 2500; i++) producer.produce(t, { value: i });
    await producer.flush();
    expect(batches.map((b) => b.topicMessages![0].messages.length)).toEqual([1000, 1000, 500]);
    await producer.close();
  });

  it('sendRecords splits a large result into sequential requests under the record and byte limits, in order', async () => {
    const { kafka, batches } = fakeKafka();
    const producer = new SluiceProducer(kafka, { logger });
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
    const producer = new SluiceProducer(fakeKafka().kafka, { logger });
    expect(() => producer.produce(new Topic<number>('ints', { valueSerializer: 'int' }), { value: 0.5 })).toThrow(SerializationError);
  });

  it('surfaces a failed send on flush unless onError returns true', async () => {
    const failing = new SluiceProducer(fakeKafka(new Error('broker said no')).kafka, { logger });
    failing.produce(new Topic('t'), { value: 1 });
    await expect(failing.flush()).rejects.toThrow('broker said no');
    expect(() => failing.produce(new Topic('t'), { value: 2 })).toThrow('broker said no');

    const seen: string[] = [];
    const tolerant = new SluiceProducer(fakeKafka(new Error('broker said no')).kafka, {
      logger,
      onError: (e) => seen.push(e.message) > 0,
    });
    tolerant.produce(new Topic('t'), { value: 1 });
    await tolerant.flush();
    expect(seen).toEqual(['broker said no']);
  });

  it('refuses to produce after close', async () => {
    const producer = new SluiceProducer(fakeKafka().kafka, { logger });
    await producer.close();
    expect(() => producer.produce(new Topic('t'), { value: 1 })).toThrow('this producer is closed');
  });
});

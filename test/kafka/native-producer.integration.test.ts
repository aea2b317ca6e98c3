// The native producer against a real broker (embedded, or Apache Kafka with SLUICE_TEST_BROKER):
// what it writes reads back through kafkajs (another client) with the partition kafkajs's default
// partitioner gives each key, in order, with headers, timestamps and nulls intact.
import { Partitioners } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/kafka/native/cluster.ts';
import { NativeProducer } from '../../src/kafka/native/native-producer.ts';
import type { MessageHeaders, OutgoingRecord } from '../../src/topics/message-context.ts';
import { consumeAll, createTopics, topicEndOffset, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());

const logger = pino({ level: 'silent' });
const producerFor = (options: Partial<ConstructorParameters<typeof NativeProducer>[0]> = {}) =>
  new NativeProducer({ cluster: new Cluster({ brokerAddress: broker.address, clientId: 'native-producer-test', logger }), logger, ...options });

/** The partition kafkajs's default (Java-compatible) partitioner picks for `key`. */
function kafkajsPartition(key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  return partitioner({ topic: 't', partitionMetadata: Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })), message: { key: Buffer.from(key), value: null } });
}

describe('NativeProducer', () => {
  it('writes keyed records to the partitions kafkajs would choose, in order, with headers, timestamps and nulls', async () => {
    const topic = uniqueName('native-keyed');
    await createTopics(broker.address, [topic], 4);
    const producer = producerFor();
    const records: OutgoingRecord[] = Array.from({ length: 2000 }, (_, i) => ({
      topic,
      key: Buffer.from(`key-${i % 37}`),
      value: i % 500 === 7 ? null : Buffer.from(JSON.stringify({ i })),
      headers: (i % 3 === 0 ? { trace: `t${i}`, bin: Buffer.from([i & 0xff, 0]) } : {}) as MessageHeaders,
      timestamp: 1_700_000_000_000 + i,
    }));
    // several sends in flight at once, as the run loop issues them
    await Promise.all([producer.send(records.slice(0, 700)), producer.send(records.slice(700, 1500)), producer.send(records.slice(1500))]);
    await producer.close();

    const read = await consumeAll(broker.address, topic, 2000, 60_000);
    expect(read).toHaveLength(2000);
    for (const r of read) expect(r.partition).toBe(kafkajsPartition(r.key!, 4));
    const byKey = new Map<string, number[]>();
    for (const r of read) {
      const i = r.value === null ? -1 : (JSON.parse(r.value) as { i: number }).i;
      if (!byKey.has(r.key!)) byKey.set(r.key!, []);
      byKey.get(r.key!)!.push(i);
    }
    for (const [key, seen] of byKey) {
      const expected = records.filter((r) => r.key!.toString() === key).map((r) => (r.value === null ? -1 : (JSON.parse(r.value.toString()) as { i: number }).i));
      expect(seen).toEqual(expected);
    }
    const sample = read.find((r) => r.value === '{"i":300}')!;
    expect(sample.headers.trace?.toString()).toBe('t300');
    expect([...(sample.headers.bin as Buffer)]).toEqual([300 & 0xff, 0]);
    expect(read.filter((r) => r.value === null)).toHaveLength(4);
  }, 90_000);

  it('puts keyless records of one batch on one partition (sticky) and gzip-compresses when asked', async () => {
    const topic = uniqueName('native-sticky');
    await createTopics(broker.address, [topic], 3);
    const producer = producerFor({ compression: 'gzip' });
    await producer.send(Array.from({ length: 300 }, (_, i) => ({ topic, key: null, value: Buffer.from(`v${i}`), headers: {}, timestamp: Date.now() })));
    await producer.close();
    const read = await consumeAll(broker.address, topic, 300, 60_000);
    expect(new Set(read.map((r) => r.partition)).size).toBe(1);
    expect(read.map((r) => r.value)).toEqual(Array.from({ length: 300 }, (_, i) => `v${i}`));
  }, 60_000);

  it('refuses a partition the topic does not have and a topic that does not exist, writing nothing', async () => {
    const topic = uniqueName('native-refuse');
    await createTopics(broker.address, [topic], 2);
    const producer = producerFor();
    const record = (partition: number): OutgoingRecord => ({ topic, partition, key: null, value: Buffer.from('x'), headers: {}, timestamp: 1 });
    await expect(producer.send([record(0), record(2)])).rejects.toThrow(`cannot write to partition 2 of topic '${topic}': it has 2 partition(s)`);
    await expect(producer.send([{ ...record(0), topic: `${topic}-missing` }])).rejects.toThrow(`topic '${topic}-missing' does not exist`);
    await producer.send([record(1)]);
    await producer.close();
    expect(await topicEndOffset(broker.address, topic)).toBe(1);
  }, 60_000);
});

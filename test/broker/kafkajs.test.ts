import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Kafka, logLevel, type EachMessagePayload } from 'kafkajs';
import { startMemoryBroker } from './test-broker.ts';

type Broker = Awaited<ReturnType<typeof startMemoryBroker>>;

describe('kafkajs against the embedded broker', () => {
  let broker: Broker;
  let kafka: Kafka;
  beforeAll(async () => {
    broker = await startMemoryBroker();
    kafka = new Kafka({ clientId: 'test', brokers: [broker.address], logLevel: logLevel.NOTHING });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('creates, describes and deletes topics through the admin client', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 3 }, { topic: 'admin-b' }] })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 3 }] })).toBe(false);
      const meta = await admin.fetchTopicMetadata({ topics: ['admin-a', 'admin-b'] });
      // kafkajs answers from its metadata cache, whose topic order is its own: compare by name
      expect(meta.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([['admin-a', 3], ['admin-b', 1]]);
      expect((await admin.listTopics()).sort()).toEqual(['admin-a', 'admin-b']);
      await admin.createPartitions({ topicPartitions: [{ topic: 'admin-b', count: 2 }] });
      expect((await admin.fetchTopicMetadata({ topics: ['admin-b'] })).topics[0].partitions).toHaveLength(2);
      const described = await admin.describeConfigs({ resources: [{ type: 2, name: 'admin-a', configNames: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false });
      expect(described.resources[0].configEntries.map((e) => [e.configName, e.configValue])).toEqual([['cleanup.policy', 'delete'], ['retention.ms', '604800000']]);
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'admin-a', configEntries: [{ name: 'retention.ms', value: '1000' }] }] });
      const altered = await admin.describeConfigs({ resources: [{ type: 2, name: 'admin-a', configNames: ['retention.ms'] }], includeSynonyms: false });
      expect(altered.resources[0].configEntries[0].configValue).toBe('1000');
      await admin.deleteTopics({ topics: ['admin-b'] });
      expect(await admin.listTopics()).toEqual(['admin-a']);
      await expect(admin.createTopics({ topics: [{ topic: 'bad topic' }] })).rejects.toThrow();
    } finally {
      await admin.disconnect();
    }
  });

  it('delivers 1000 keyed messages with headers to a consumer group, in order per partition', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'jokes', numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const sent = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i % 17}`, value: `joke ${i}`, headers: { seq: String(i), src: 'test' } }));
    for (let i = 0; i < sent.length; i += 100) await producer.send({ topic: 'jokes', messages: sent.slice(i, i + 100) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'readers', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'jokes', fromBeginning: true });
    const got: { partition: number; offset: number; key: string; value: string; seq: string; src: string }[] = [];
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }: EachMessagePayload) => {
          got.push({
            partition, offset: Number(message.offset), key: message.key!.toString(), value: message.value!.toString(),
            seq: message.headers!.seq!.toString(), src: message.headers!.src!.toString(),
          });
          if (got.length === sent.length) resolve();
        },
      });
    });
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${got.length} messages arrived`)), 30_000))]);
    await consumer.disconnect();

    expect(got).toHaveLength(1000);
    expect(new Set(got.map((m) => m.value))).toEqual(new Set(sent.map((m) => m.value)));
    for (const m of got) expect(m.value).toBe(`joke ${m.seq}`);
    expect(got.every((m) => m.src === 'test' && m.key === `k${Number(m.seq) % 17}`)).toBe(true);
    for (const p of [0, 1, 2]) {
      const seqs = got.filter((m) => m.partition === p).map((m) => Number(m.seq));
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const offsets = got.filter((m) => m.partition === p).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    // The same key always lands on the same partition.
    const byKey = new Map<string, Set<number>>();
    for (const m of got) byKey.set(m.key, (byKey.get(m.key) ?? new Set()).add(m.partition));
    expect([...byKey.values()].every((s) => s.size === 1)).toBe(true);
  });

  it('wakes a waiting kafkajs consumer when a message is produced later', async () => {
    const consumer = kafka.consumer({ groupId: 'late', maxWaitTimeInMs: 5000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'late-topic', fromBeginning: true });
    let receivedAt = 0;
    const received = new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => { receivedAt = Date.now(); resolve(message.value!.toString()); } });
    });
    await new Promise((r) => setTimeout(r, 1500));
    const producer = kafka.producer();
    await producer.connect();
    const sentAt = Date.now();
    await producer.send({ topic: 'late-topic', messages: [{ value: 'late' }] });
    expect(await received).toBe('late');
    expect(receivedAt - sentAt).toBeLessThan(2000);
    await producer.disconnect();
    await consumer.disconnect();
  });
});

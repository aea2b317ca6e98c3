// The KafkaClient contract, run against both implementations (kafkajs and native) on a real
// broker (embedded, or Apache Kafka with SLUICE_TEST_BROKER): admin, produce, group consumption
// with commits, pause/resume and seek, and reading one partition between two offsets.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import type { FetchedBatch, GroupConsumer } from '../../src/kafka/group-consumer.ts';
import type { KafkaClient, KafkaClientKind } from '../../src/kafka/kafka-client.ts';
import type { OutgoingRecord } from '../../src/topics/message-context.ts';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());

const logger = pino({ level: 'silent' });
const records = (topic: string, n: number, partition?: number): OutgoingRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(String(i)), headers: { n: String(i) }, timestamp: 1_700_000_000_000 + i, ...(partition === undefined ? {} : { partition }) }));

/** Runs `consumer` until `done(batches)` holds (or 30 s), then stops it. */
async function consumeUntil(consumer: GroupConsumer, done: (batches: FetchedBatch[]) => boolean, onBatch: (b: FetchedBatch) => Promise<void> = async () => {}): Promise<FetchedBatch[]> {
  const batches: FetchedBatch[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const timer = setTimeout(finish, 30_000);
  const running = consumer.run({
    onBatch: async (b) => {
      batches.push(b);
      await onBatch(b);
      if (done(batches)) finish();
    },
    onAssignment: () => {},
  });
  await Promise.race([finished, running]);
  clearTimeout(timer);
  await consumer.stop();
  await running;
  return batches;
}

describe.each<KafkaClientKind>(['kafkajs', 'native'])('KafkaClient (%s)', (kind) => {
  let client: KafkaClient;
  beforeAll(() => {
    client = createKafkaClient({ brokerAddress: broker.address, clientId: `contract-${kind}`, logger, client: kind });
  });
  afterAll(() => client.close());

  it('creates, describes, configures, lists and deletes topics', async () => {
    const [a, b] = [uniqueName(`${kind}-admin-a`), uniqueName(`${kind}-admin-b`)];
    expect(await client.admin.createTopics([{ name: a, numPartitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }, { name: b, numPartitions: 1, replicationFactor: 1 }])).toEqual([a, b]);
    expect(await client.admin.createTopics([{ name: a, numPartitions: 3, replicationFactor: 1 }])).toEqual([]);
    expect(await client.admin.listTopics()).toEqual(expect.arrayContaining([a, b]));
    const [described] = await client.admin.describeTopics([a]);
    expect(described!.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(described!.partitions.every((p) => p.leader >= 0)).toBe(true);
    expect((await client.admin.topicConfigs([a], ['cleanup.policy'])).get(a)).toEqual({ 'cleanup.policy': 'compact' });
    expect((await client.admin.describeCluster()).brokers.length).toBeGreaterThan(0);
    await client.admin.deleteTopics([b]);
    const deadline = Date.now() + 10_000;
    while ((await client.admin.listTopics()).includes(b) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await client.admin.listTopics()).not.toContain(b);
  });

  it('produces, consumes in a group, commits, and lists watermarks and committed offsets', async () => {
    const [topic, group] = [uniqueName(`${kind}-flow`), uniqueName(`${kind}-flow-g`)];
    await client.admin.createTopics([{ name: topic, numPartitions: 2, replicationFactor: 1 }]);
    const producer = client.producer();
    await Promise.all([producer.send(records(topic, 300)), producer.send(records(topic, 50, 1))]);
    await producer.close();
    const offsets = await client.admin.listOffsets(topic);
    expect(offsets.map((o) => o.low)).toEqual([0, 0]);
    expect(offsets.reduce((s, o) => s + o.high, 0)).toBe(350);

    const consumer = client.consumer({ groupId: group, topics: [topic], fromBeginning: true, maxWaitMs: 100 });
    const seen = await consumeUntil(
      consumer,
      (bs) => bs.reduce((n, b) => n + b.messages.length, 0) >= 350,
      (b) => consumer.commit([{ topic: b.topic, partition: b.partition, offset: b.messages[b.messages.length - 1]!.offset + 1 }]),
    );
    const all = seen.flatMap((b) => b.messages.map((m) => ({ partition: b.partition, ...m })));
    expect(all).toHaveLength(350);
    expect(all.filter((m) => m.value?.toString() === '7').map((m) => m.headers?.n?.toString())).toEqual(['7', '7']);
    const committed = await client.admin.committedOffsets(group, [topic]);
    expect(committed.sort((x, y) => x.partition - y.partition).map((c) => c.offset)).toEqual(offsets.map((o) => o.high));
  });

  it('stops delivering a paused partition until it is resumed, and seeks back', async () => {
    const [topic, group] = [uniqueName(`${kind}-pause`), uniqueName(`${kind}-pause-g`)];
    await client.admin.createTopics([{ name: topic, numPartitions: 2, replicationFactor: 1 }]);
    const producer = client.producer();
    await producer.send([...records(topic, 20, 0), ...records(topic, 20, 1)]);
    await producer.close();
    const consumer = client.consumer({ groupId: group, topics: [topic], fromBeginning: true, maxWaitMs: 100 });
    consumer.pause([{ topic, partition: 1 }]);
    let resumedAt = 0;
    let sought = false;
    const batches = await consumeUntil(
      consumer,
      (bs) => bs.filter((b) => b.partition === 1).reduce((n, b) => n + b.messages.length, 0) >= 20 && sought,
      async (b) => {
        if (b.partition === 0 && resumedAt === 0) {
          await new Promise((r) => setTimeout(r, 1500)); // partition 1 stays paused meanwhile
          resumedAt = Date.now();
          consumer.resume([{ topic, partition: 1 }]);
        }
        if (b.partition === 1 && !sought && b.messages[b.messages.length - 1]!.offset === 19) {
          sought = true;
          consumer.seek({ topic, partition: 0 }, 15);
        }
      },
    );
    const p1 = batches.filter((b) => b.partition === 1);
    expect(p1.length).toBeGreaterThan(0);
    expect(batches.indexOf(p1[0]!)).toBeGreaterThan(0); // partition 1 came only after the resume
    expect(batches.filter((b) => b.partition === 0).flatMap((b) => b.messages.map((m) => m.offset)).filter((o) => o >= 15).length).toBeGreaterThanOrEqual(5);
  });

  it('reads one partition between two offsets without a group', async () => {
    const topic = uniqueName(`${kind}-read`);
    await client.admin.createTopics([{ name: topic, numPartitions: 2, replicationFactor: 1 }]);
    const producer = client.producer();
    await producer.send([...records(topic, 500, 1), ...records(topic, 10, 0)]);
    await producer.close();
    const read: number[] = [];
    for await (const batch of client.readPartition({ topic, partition: 1, fromOffset: 0, toOffset: 420, stallTimeoutMs: 20_000 })) read.push(...batch.map((m) => m.offset));
    expect(read).toEqual(Array.from({ length: 420 }, (_, i) => i));
  });
});

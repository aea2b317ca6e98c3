// segmentio/kafka-go against the test broker, as in the seed course notes: its admin client
// creates a 3-partition topic, a Writer (murmur2, acks=all) sends keyed messages, and one Reader
// in a consumer group is assigned all three partitions and reads everything, committing as it goes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, LineProcess } from './compat-clients.ts';
import { expectPartitionedLike } from './compat-assertions.ts';
import { GoReader, goWrite } from './go-reader.ts';

describe('segmentio/kafka-go compatibility', () => {
  let broker: TestBroker;
  const topic = uniqueName('kafka-go-3p');
  const group = uniqueName('kafka-go-group');
  let produced: { key: string; value: string }[] = [];

  beforeAll(async () => {
    clients.goProgram('writer');
    clients.goProgram('rebalance-reader');
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await LineProcess.killAll();
    await broker?.close();
  });

  it('creates a 3-partition topic with the kafka-go admin client and writes 30 keyed messages', async () => {
    produced = await goWrite(broker.address, topic, { create: 3, count: 30, keys: 6, keyPrefix: 'order-', valuePrefix: 'item-' });
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      const ends = await admin.fetchTopicOffsets(topic);
      expect(ends.reduce((sum, o) => sum + Number(o.high), 0)).toBe(30);
    } finally {
      await admin.disconnect();
    }
  });

  it('a Reader alone in its group is assigned all 3 partitions and reads every message once, in order per partition', async () => {
    const reader = new GoReader('reader', broker.address, topic, group, { maxMessages: produced.length, timeoutSeconds: 60 });
    const done = await reader.finished();
    expect(done).toEqual({ type: 'done', count: 30, reason: 'max-messages' });
    expect(reader.assignments()[0]!.partitions).toEqual([0, 1, 2]);
    expectPartitionedLike(reader.messages(), produced, 3);
  });

  it('the group has committed the end offset of every partition', async () => {
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const byPartition = Object.fromEntries(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
      expect(byPartition).toEqual(Object.fromEntries(ends.map((o) => [o.partition, Number(o.high)])));
    } finally {
      await admin.disconnect();
    }
  });
});

// A topic with timed records and a kafkajs member of a group, for the consumer-groups tests.
import type { Consumer } from 'kafkajs';
import { createTopics, testKafka } from './test-broker.ts';

/** Creates `topic` and writes `perPartition` records to each partition; record i has timestamp `base + i` seconds. */
export async function produceTimedRecords(address: string, topic: string, partitions: number, perPartition: number, base: number): Promise<void> {
  await createTopics(address, [topic], partitions);
  const producer = testKafka(address).producer();
  await producer.connect();
  try {
    for (let p = 0; p < partitions; p++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: perPartition }, (_, i) => ({ partition: p, value: `p${p}-${i}`, timestamp: String(base + i * 1000) })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Starts a kafkajs member (client id `cg-reader`) of `group` on `topic` that commits nothing by
 * itself; resolves once it has read `until` records, with what it read.
 */
export async function startGroupMember(address: string, group: string, topic: string, until: number): Promise<{ consumer: Consumer; read: { partition: number; offset: number }[] }> {
  const consumer = testKafka(address, 'cg-reader').consumer({ groupId: group, maxWaitTimeInMs: 200, sessionTimeout: 10_000 });
  const read: { partition: number; offset: number }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const enough = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      read.push({ partition, offset: Number(message.offset) });
      if (read.length >= until) done();
    },
  });
  await enough;
  return { consumer, read };
}

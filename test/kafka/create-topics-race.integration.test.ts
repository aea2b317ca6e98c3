// Apps of one system started together (sluice stack, a run.sh) all create the topics they miss at
// the same moment. Every one of them must come back with the topics ready (leaders elected), not
// with the UNKNOWN_TOPIC_OR_PARTITION that a fresh KRaft cluster answers in between.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

describe('KafkaAdmin.createTopics under a race', () => {
  it('six clients creating overlapping sets of new topics at once all succeed, and the topics have leaders', async () => {
    const shared = uniqueName('race-shared');
    const sets = Array.from({ length: 6 }, (_, i) => [shared, uniqueName(`race-own-${i}`)]);
    const clients = sets.map((_, i) => createKafkaClient({ brokerAddress: broker.address, clientId: `race-${i}`, logger: pino({ level: 'silent' }) }));
    try {
      await Promise.all(clients.map((c, i) => c.admin.createTopics(sets[i]!.map((name) => ({ name, numPartitions: 3, replicationFactor: 1 })))));
      for (const [i, c] of clients.entries()) {
        const described = (await c.admin.describeTopics(sets[i]!)).sort((a, b) => a.name.localeCompare(b.name));
        expect(described.map((t) => [t.name, t.partitions.length, t.partitions.every((p) => p.leader >= 0)])).toEqual([...sets[i]!].sort().map((n) => [n, 3, true]));
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});

// kafkajs's idempotent and transactional producer against the test broker (embedded, or Apache
// Kafka with SLUICE_TEST_BROKER): commit and abort seen through read_committed and
// read_uncommitted consumers, offsets committed inside a transaction (sendOffsets), a zombie
// producer fenced by a new one with the same transactional id, and the broker aborting a
// transaction that passes its timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { createTopics, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { readTopic } from './read-topic.ts';

describe('kafkajs transactions', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  const producers: Producer[] = [];
  const transactional = (transactionalId: string, transactionTimeout = 60_000): Producer => {
    const p = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout });
    producers.push(p);
    return p;
  };

  beforeAll(async () => {
    broker = await useTestBroker({ transactionAbortCheckIntervalMs: 200 });
    kafka = testKafka(broker.address, 'txn-test');
  });
  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => {});
    await broker?.close();
  });

  it('a read_committed consumer sees the committed transaction only; read_uncommitted sees both', async () => {
    const topic = uniqueName('txn-commit-abort');
    await createTopics(broker.address, [topic], 2);
    const producer = transactional(uniqueName('tx'));
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `aborted-${i}` })) });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, value: `committed-${i}` })) });
    await committed.commit();

    // Aborted records come first in each partition: a reader that leaked them would see them before the last committed ones.
    const readCommitted = await readTopic(kafka, topic, { readUncommitted: false }, (rs) => rs.length >= 8);
    expect(readCommitted.map((r) => r.value).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `committed-${i}`).sort());
    const readAll = await readTopic(kafka, topic, { readUncommitted: true }, (rs) => rs.length >= 14);
    expect(readAll.filter((r) => r.value.startsWith('aborted-'))).toHaveLength(6);
    expect(readAll).toHaveLength(14);
    // Each transaction ended with one marker per partition it wrote to: 14 records + 4 markers.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      expect(ends.reduce((sum, p) => sum + Number(p.high), 0)).toBe(18);
    } finally {
      await admin.disconnect();
    }
  });

  it('commits consumer offsets with the transaction (sendOffsets) and drops them on abort', async () => {
    const topic = uniqueName('txn-offsets');
    const group = uniqueName('txn-group');
    await createTopics(broker.address, [topic], 1);
    const producer = transactional(uniqueName('tx'));
    await producer.connect();
    const t1 = await producer.transaction();
    await t1.send({ topic, messages: [{ value: 'out-1' }] });
    await t1.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition: 0, offset: '5' }] }] });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic, messages: [{ value: 'out-2' }] });
    await t2.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition: 0, offset: '9' }] }] });
    await t2.abort();

    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(offsets!.partitions).toEqual([{ partition: 0, offset: '5', metadata: null }]);
    } finally {
      await admin.disconnect();
    }
    const values = (await readTopic(kafka, topic, { readUncommitted: false }, (rs) => rs.length >= 1)).map((r) => r.value);
    expect(values).toEqual(['out-1']);
  });

  it('fences a zombie: a new producer with the same transactional id aborts its open transaction and its commit fails', async () => {
    const topic = uniqueName('txn-zombie');
    await createTopics(broker.address, [topic], 1);
    const id = uniqueName('tx-zombie');
    const zombie = transactional(id);
    await zombie.connect();
    const open = await zombie.transaction();
    await open.send({ topic, messages: [{ value: 'from-zombie' }] });

    const fresh = transactional(id);
    await fresh.connect();
    const t = await fresh.transaction();
    await t.send({ topic, messages: [{ value: 'from-fresh' }] });
    await t.commit();

    await expect(open.commit()).rejects.toThrow(/epoch|fenced/i);
    const values = (await readTopic(kafka, topic, { readUncommitted: false }, (rs) => rs.length >= 1)).map((r) => r.value);
    expect(values).toEqual(['from-fresh']);
  });

  it('aborts a transaction that passes its timeout, so read_committed readers move on', async () => {
    const topic = uniqueName('txn-timeout');
    await createTopics(broker.address, [topic], 1);
    const stuck = transactional(uniqueName('tx-timeout'), 1000);
    await stuck.connect();
    const open = await stuck.transaction();
    await open.send({ topic, messages: [{ value: 'never-committed' }] });
    const other = transactional(uniqueName('tx-other'));
    await other.connect();
    const t = await other.transaction();
    await t.send({ topic, messages: [{ value: 'after-the-stuck-one' }] });
    await t.commit();

    // The stuck transaction's first offset holds the last stable offset until the broker aborts it.
    const values = (await readTopic(kafka, topic, { readUncommitted: false }, (rs) => rs.length >= 1, 60_000)).map((r) => r.value);
    expect(values).toEqual(['after-the-stuck-one']);
    await expect(open.commit()).rejects.toThrow(/epoch|fenced/i);
  });
});

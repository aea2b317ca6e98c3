// The native transactional producer on a real broker (embedded, or Apache Kafka with
// SLUICE_TEST_BROKER): committed records are visible to read_committed readers and aborted ones
// never are, consumer offsets are committed with the transaction and dropped with an abort, a
// second producer with the same transactional id fences the first (ProducerFencedError), and a
// TxnOffsetCommit with a generation the group has left behind is refused (KIP-447). What the
// transactions wrote is read back with the kafkajs client, an implementation of its own.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import type { GroupConsumer, GroupMetadata, IsolationLevel } from '../../src/kafka/group-consumer.ts';
import type { KafkaClient } from '../../src/kafka/kafka-client.ts';
import { KafkaProtocolError } from '../../src/kafka/native/kafka-protocol-error.ts';
import { NativeClient } from '../../src/kafka/native/native-client.ts';
import { ProducerFencedError } from '../../src/kafka/producer-fenced-error.ts';
import type { TopicPartition } from '../../src/topics/message-context.ts';
import type { OutgoingRecord } from '../../src/topics/message-context.ts';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
let native: NativeClient;
let reader: KafkaClient;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  broker = await useTestBroker();
  native = new NativeClient({ brokerAddress: broker.address, clientId: 'native-tx-test', logger });
  reader = createKafkaClient({ brokerAddress: broker.address, clientId: 'native-tx-reader', logger, client: 'kafkajs' });
});
afterAll(async () => {
  await native?.close();
  await reader?.close();
  await broker.close();
});

const records = (topic: string, tag: string, n: number, partition?: number): OutgoingRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(`${tag}-${i}`), headers: {}, timestamp: Date.now(), ...(partition === undefined ? {} : { partition }) }));

/** Every value in `topic` as a reader with `isolationLevel` sees it, partition by partition, up to the high watermark. */
async function values(topic: string, isolationLevel: IsolationLevel): Promise<string[]> {
  const out: string[] = [];
  for (const { partition, high } of await native.admin.listOffsets(topic, { isolationLevel: 'read_uncommitted' })) {
    for await (const batch of reader.readPartition({ topic, partition, fromOffset: 0, toOffset: high, isolationLevel, stallTimeoutMs: 30_000 })) {
      out.push(...batch.map((m) => m.value!.toString()));
    }
  }
  return out.sort();
}

/**
 * Polls the group's committed offset of `topic` partition 0 until it is `expected` (bounded) and
 * returns the last seen. The native admin asks with requireStable, so an answer comes only when no
 * transaction has offsets of the group pending.
 */
async function committedOffset(group: string, topic: string, expected: number | undefined): Promise<number | undefined> {
  let seen: number | undefined;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    try {
      seen = (await native.admin.committedOffsets(group, [topic])).find((o) => o.partition === 0)?.offset;
    } catch {
      continue; // UNSTABLE_OFFSET_COMMIT while the transaction's markers are written
    }
    if (seen === expected) return seen;
  }
  return seen;
}

/** A running member of `group` reading `topic`; resolves once it has an assignment. */
async function member(group: string, topic: string, assignments: TopicPartition[][] = []): Promise<GroupConsumer & { done: Promise<void> }> {
  const consumer = native.consumer({ groupId: group, topics: [topic], fromBeginning: true, maxWaitMs: 100, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 300 });
  let assigned!: () => void;
  const ready = new Promise<void>((r) => (assigned = r));
  const done = consumer.run({
    onBatch: async () => {},
    onAssignment: (ps) => {
      assignments.push([...ps]);
      assigned();
    },
  });
  await Promise.race([ready, done]);
  return Object.assign(consumer, { done });
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('NativeTransactionalProducer', () => {
  it('makes committed records visible to read_committed readers and aborted ones never', async () => {
    const topic = uniqueName('ntx-vis');
    await native.admin.createTopics([{ name: topic, numPartitions: 2, replicationFactor: 1 }]);
    const tx = native.transactionalProducer({ transactionalId: uniqueName('ntx-vis-id') });
    expect(tx.supportsGroupMetadata).toBe(true);
    await tx.begin();
    await tx.send([...records(topic, 'a', 10, 0), ...records(topic, 'a', 10, 1)]);
    await tx.commit();
    await tx.begin();
    await tx.send(records(topic, 'b', 7));
    await tx.abort();
    await tx.begin();
    await Promise.all([tx.send(records(topic, 'c', 3, 0)), tx.send(records(topic, 'c', 4, 1))]);
    await tx.commit();
    await tx.close();

    const committed = [...records(topic, 'a', 10), ...records(topic, 'a', 10), ...records(topic, 'c', 3), ...records(topic, 'c', 4)].map((r) => r.value!.toString()).sort();
    expect(await values(topic, 'read_committed')).toEqual(committed);
    expect(await values(topic, 'read_uncommitted')).toEqual([...committed, ...records(topic, 'b', 7).map((r) => r.value!.toString())].sort());
  });

  it('commits consumer offsets with the transaction and drops them with an abort', async () => {
    const [topic, group] = [uniqueName('ntx-off'), uniqueName('ntx-off-g')];
    await native.admin.createTopics([{ name: topic, numPartitions: 1, replicationFactor: 1 }]);
    const consumer = await member(group, topic);
    const tx = native.transactionalProducer({ transactionalId: uniqueName('ntx-off-id') });
    try {
      await tx.begin();
      await tx.send(records(topic, 'x', 5, 0));
      await tx.sendOffsets([{ topic, partition: 0, offset: 7 }], consumer.groupMetadata());
      await tx.commit();
      expect(await committedOffset(group, topic, 7)).toBe(7);

      await tx.begin();
      await tx.sendOffsets([{ topic, partition: 0, offset: 12 }], consumer.groupMetadata());
      await tx.abort();
      expect(await committedOffset(group, topic, 7)).toBe(7); // a stable answer: the aborted 12 is gone

      await tx.begin(); // a transaction of offsets only
      await tx.sendOffsets([{ topic, partition: 0, offset: 20 }], consumer.groupMetadata());
      await tx.commit();
      expect(await committedOffset(group, topic, 20)).toBe(20);
    } finally {
      await tx.close();
      await consumer.stop();
      await consumer.done;
    }
  });

  it('is fenced by a second producer with the same transactional id, whose transaction aborts the first one', async () => {
    const [topic, id] = [uniqueName('ntx-fence'), uniqueName('ntx-fence-id')];
    await native.admin.createTopics([{ name: topic, numPartitions: 1, replicationFactor: 1 }]);
    const zombie = native.transactionalProducer({ transactionalId: id });
    await zombie.begin();
    await zombie.send(records(topic, 'zombie', 5, 0));

    const successor = native.transactionalProducer({ transactionalId: id });
    await successor.begin(); // InitProducerId: bumps the epoch, aborts the zombie's open transaction
    await successor.send(records(topic, 'successor', 3, 0));

    await expect(zombie.send(records(topic, 'late', 2, 0))).rejects.toBeInstanceOf(ProducerFencedError);
    const error = await zombie.commit().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProducerFencedError);
    expect((error as ProducerFencedError).transactionalId).toBe(id);
    expect((error as ProducerFencedError).retriable).toBe(false);
    await expect(zombie.begin()).rejects.toBeInstanceOf(ProducerFencedError);
    await zombie.close();

    await successor.commit();
    await successor.close();
    expect(await values(topic, 'read_committed')).toEqual(records(topic, 'successor', 3).map((r) => r.value!.toString()).sort());
  });

  it('refuses a TxnOffsetCommit with a generation the group has left behind (KIP-447)', async () => {
    const [topic, group] = [uniqueName('ntx-gen'), uniqueName('ntx-gen-g')];
    await native.admin.createTopics([{ name: topic, numPartitions: 2, replicationFactor: 1 }]);
    const assignmentsOfA: TopicPartition[][] = [];
    const a = await member(group, topic, assignmentsOfA);
    const stale: GroupMetadata = a.groupMetadata();
    const b = await member(group, topic);
    await waitFor(() => assignmentsOfA.length >= 2, 'member A to rejoin after B joined');
    const current = a.groupMetadata();
    expect(current.generationId).toBeGreaterThan(stale.generationId);

    const tx = native.transactionalProducer({ transactionalId: uniqueName('ntx-gen-id') });
    try {
      await tx.begin();
      const refused = await tx.sendOffsets([{ topic, partition: 0, offset: 3 }], stale).then(() => undefined, (e: unknown) => e);
      expect(refused).toBeInstanceOf(KafkaProtocolError);
      expect((refused as KafkaProtocolError).type).toBe('ILLEGAL_GENERATION');
      await tx.abort();

      await tx.begin();
      await tx.sendOffsets([{ topic, partition: 0, offset: 4 }], a.groupMetadata());
      await tx.commit();
      expect(await committedOffset(group, topic, 4)).toBe(4);
    } finally {
      await tx.close();
      await Promise.all([a.stop(), b.stop()]);
      await Promise.all([a.done, b.done]);
    }
  });

  it('refuses calls out of order with errors that say what to do', async () => {
    const tx = native.transactionalProducer({ transactionalId: uniqueName('ntx-order-id') });
    await expect(tx.send([])).rejects.toThrow(/no open transaction; call begin\(\) first/);
    await expect(tx.commit()).rejects.toThrow(/no open transaction/);
    await tx.begin();
    await expect(tx.begin()).rejects.toThrow(/already has an open transaction; commit or abort it/);
    await tx.abort();
    await tx.close();
    await expect(tx.begin()).rejects.toThrow(/is closed; create another one/);
    expect(() => native.transactionalProducer({ transactionalId: '' })).toThrow(/'transactionalId' must be a non-empty string/);
  });
});

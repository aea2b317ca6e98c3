// The TransactionalProducer contract on a real broker (embedded, or Apache Kafka with
// SLUICE_TEST_BROKER), per client that has one: commit makes records and offsets visible together,
// abort hides the records from read_committed readers, and a second producer with the same
// transactional id fences the first (ProducerFencedError; nothing of its transaction is visible).
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import type { IsolationLevel } from '../../src/kafka/group-consumer.ts';
import type { KafkaClient, KafkaClientKind } from '../../src/kafka/kafka-client.ts';
import { ProducerFencedError } from '../../src/kafka/producer-fenced-error.ts';
import type { OutgoingRecord } from '../../src/topics/message-context.ts';
import { createTopics, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());

const logger = pino({ level: 'silent' });
const records = (topic: string, prefix: string, n: number): OutgoingRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(`${prefix}${i}`), headers: {}, timestamp: Date.now() }));
const group = { groupId: '', generationId: -1, memberId: '', groupInstanceId: null };

describe.each<KafkaClientKind>(['kafkajs', 'native'])('TransactionalProducer (%s)', (kind) => {
  let client: KafkaClient;
  beforeAll(() => {
    client = createKafkaClient({ brokerAddress: broker.address, clientId: `txn-${kind}`, logger, client: kind });
  });
  afterAll(() => client.close());

  /** The values of partition 0 of `topic` up to its end, as a reader with `isolationLevel` sees them. */
  async function values(topic: string, isolationLevel: IsolationLevel, fromOffset = 0): Promise<string[]> {
    const [p] = await client.admin.listOffsets(topic); // no transaction is open: the last stable offset is the end
    const out: string[] = [];
    for await (const batch of client.readPartition({ topic, partition: 0, fromOffset, toOffset: p!.high, isolationLevel, stallTimeoutMs: 10_000 })) {
      for (const m of batch) out.push(m.value!.toString());
    }
    return out;
  }

  it('commits records and consumer offsets together; an aborted transaction stays invisible to read_committed readers', async () => {
    const [topic, input, groupId] = [uniqueName(`${kind}-txn-out`), uniqueName(`${kind}-txn-in`), uniqueName(`${kind}-txn-g`)];
    await createTopics(broker.address, [topic, input]);
    const tx = client.transactionalProducer({ transactionalId: uniqueName('txn') });
    try {
      expect(tx.supportsGroupMetadata).toBe(kind !== 'kafkajs');
      await tx.begin();
      await tx.send(records(topic, 'aborted-', 3));
      await tx.abort();
      await tx.begin();
      await tx.send(records(topic, 'committed-', 2));
      await tx.sendOffsets([{ topic: input, partition: 0, offset: 42 }], { ...group, groupId });
      await tx.commit();
    } finally {
      await tx.close();
    }
    expect(await values(topic, 'read_committed')).toEqual(['committed-0', 'committed-1']);
    expect(await values(topic, 'read_uncommitted')).toEqual(['aborted-0', 'aborted-1', 'aborted-2', 'committed-0', 'committed-1']);
    expect(await client.admin.committedOffsets(groupId, [input])).toEqual([{ topic: input, partition: 0, offset: 42 }]);
    // a range holding only the commit marker ends without records (a changelog restore reads to such an end)
    const [end] = await client.admin.listOffsets(topic);
    expect(await values(topic, 'read_committed', end!.high - 1)).toEqual([]);
  });

  it('a new producer with the same transactional id fences the old one, whose open transaction is never visible', async () => {
    const topic = uniqueName(`${kind}-txn-fence`);
    await createTopics(broker.address, [topic]);
    const transactionalId = uniqueName('txn-fence');
    const zombie = client.transactionalProducer({ transactionalId });
    const successor = client.transactionalProducer({ transactionalId });
    try {
      await zombie.begin();
      await zombie.send(records(topic, 'zombie-', 2));
      await successor.begin(); // InitProducerId: a new epoch, the zombie's transaction is aborted
      await successor.send(records(topic, 'successor-', 1));
      await successor.commit();
      const late = (async () => {
        await zombie.send(records(topic, 'late-', 1));
        await zombie.commit();
      })();
      await expect(late).rejects.toBeInstanceOf(ProducerFencedError);
    } finally {
      await Promise.all([zombie.close(), successor.close()]);
    }
    expect(await values(topic, 'read_committed')).toEqual(['successor-0']);
  });
});

// Apache Kafka 3.9's `kafka-transactions.sh` (TransactionsCommand) against the test broker, with a
// kafkajs transaction left open and then committed: `list` and `describe` (ListTransactions,
// DescribeTransactions via the transaction coordinator), `describe-producers` (DescribeProducers
// on the partition leader) and `abort` of a transaction by its start offset (WriteTxnMarkers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { createTopics, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, run } from './compat-clients.ts';
import { readTopic } from '../broker/read-topic.ts';

/** The rows of a TransactionsCommand table (tab-separated, padded), keyed by the header's columns. */
function table(stdout: string): Record<string, string>[] {
  const [header, ...rows] = stdout.trim().split('\n').map((line) => line.split('\t').map((cell) => cell.trim()));
  return rows.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

describe('kafka-transactions.sh (TransactionsCommand)', () => {
  let broker: TestBroker;
  let kafkaSh: string;
  let producer: Producer;
  const topic = uniqueName('txn-tool');
  const transactionalId = uniqueName('txn-tool-id');
  const tool = async (...args: string[]) =>
    (await run(kafkaSh, ['tool', 'org.apache.kafka.tools.TransactionsCommand', '--bootstrap-server', broker.address, ...args], { timeoutMs: 90_000 })).stdout;

  beforeAll(async () => {
    kafkaSh = clients.kafkaSh();
    broker = await useTestBroker();
    await createTopics(broker.address, [topic], 2);
    producer = testKafka(broker.address).producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await broker?.close();
  });

  it('lists, describes and shows the producer of an open transaction, then its commit', async () => {
    const txn = await producer.transaction();
    await txn.send({ topic, messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }] });

    const listed = table(await tool('list')).find((r) => r.TransactionalId === transactionalId);
    expect(listed?.TransactionState).toBe('Ongoing');
    const producerId = listed!.ProducerId;
    expect(Number(producerId)).toBeGreaterThanOrEqual(0);

    const [described] = table(await tool('describe', '--transactional-id', transactionalId));
    expect(described).toMatchObject({ TransactionalId: transactionalId, ProducerId: producerId, TransactionState: 'Ongoing', TopicPartitions: `${topic}-0` });
    expect(Number(described!.TransactionTimeoutMs)).toBeGreaterThan(0);

    const producers = table(await tool('describe-producers', '--topic', topic, '--partition', '0'));
    expect(producers.find((r) => r.ProducerId === producerId)).toMatchObject({ LastSequence: '1', CurrentTransactionStartOffset: '0' });

    await txn.commit();
    const [after] = table(await tool('describe', '--transactional-id', transactionalId));
    expect(after).toMatchObject({ TransactionalId: transactionalId, TransactionState: 'CompleteCommit', TopicPartitions: '' });
  });

  it('aborts a transaction by hand from its start offset (abort --start-offset): read_committed readers move past it', async () => {
    const kafka = testKafka(broker.address);
    const stuck = kafka.producer({ transactionalId: uniqueName('txn-tool-stuck'), idempotent: true, maxInFlightRequests: 1 });
    await stuck.connect();
    try {
      const txn = await stuck.transaction();
      await txn.send({ topic, messages: [{ value: 'stuck', partition: 1 }] });
      const [open] = table(await tool('describe-producers', '--topic', topic, '--partition', '1')).filter((r) => r.CurrentTransactionStartOffset !== 'None' && r.CurrentTransactionStartOffset !== '-1');
      expect(open).toBeDefined();
      await tool('abort', '--topic', topic, '--partition', '1', '--start-offset', open!.CurrentTransactionStartOffset!);
      const after = await kafka.producer();
      await after.connect();
      await after.send({ topic, messages: [{ value: 'after-abort', partition: 1 }] });
      await after.disconnect();
      const values = (await readTopic(kafka, topic, { readUncommitted: false }, (rs) => rs.some((r) => r.value === 'after-abort'))).filter((r) => r.partition === 1).map((r) => r.value);
      expect(values).toEqual(['after-abort']);
    } finally {
      await stuck.disconnect();
    }
  });
});

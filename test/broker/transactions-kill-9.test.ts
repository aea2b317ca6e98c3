// The embedded broker is killed with SIGKILL in the middle of transactions and restarted on the
// same data directory: committed transactions stay committed (records and offsets), the open one
// stays open — holding the last stable offset and its offsets unstable — until a new producer with
// the same transactional id fences and aborts it, idempotent retries are still recognised, and a
// transaction left open by a vanished producer is aborted by its timeout after the restart.
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { encodeRecordBatch } from '../../src/protocol/record-batch.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { tempDir } from '../broker-storage/helpers.ts';
import { startBrokerProcess, type BrokerProcess } from './broker-process.ts';
import { RawClient } from './raw-client.ts';
import { readTopic } from './read-topic.ts';

const running: BrokerProcess[] = [];
const producers: Producer[] = [];
afterEach(async () => {
  for (const p of producers.splice(0)) await p.disconnect().catch(() => {});
  for (const b of running.splice(0)) await b.kill();
});

async function start(dataDir: string): Promise<{ broker: BrokerProcess; kafka: Kafka }> {
  const broker = await startBrokerProcess(dataDir);
  running.push(broker);
  return { broker, kafka: new Kafka({ clientId: 'kill-9', brokers: [broker.address], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } }) };
}

function txnProducer(kafka: Kafka, transactionalId: string, transactionTimeout = 60_000): Producer {
  const p = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout });
  producers.push(p);
  return p;
}

/** Committed offset (OffsetFetch v7) of out-of-band partition `in`-0 for the group, with requireStable. */
async function stableOffset(client: RawClient, group: string): Promise<{ offset: number; errorCode: number }> {
  const res = await client.request(9, 7, { groupId: group, topics: [{ name: 'in', partitionIndexes: [0] }], requireStable: true });
  const p = res.topics[0].partitions[0];
  return { offset: Number(p.committedOffset), errorCode: p.errorCode };
}

async function endOffsets(client: RawClient, topic: string): Promise<{ committed: number; uncommitted: number }> {
  const ask = async (isolationLevel: number) => {
    const res = await client.request(2, 2, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    return Number(res.topics[0].partitions[0].offset);
  };
  return { committed: await ask(1), uncommitted: await ask(0) };
}

describe('transactions across kill -9 of the broker', () => {
  it('keeps committed transactions, keeps the open one open and resolvable, and still recognises idempotent retries', async () => {
    const dataDir = tempDir();
    let { broker, kafka } = await start(dataDir);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'in', numPartitions: 1 }, { topic: 'out', numPartitions: 1 }] });
    await admin.disconnect();

    const producer = txnProducer(kafka, 'tx-crash');
    await producer.connect();
    const t1 = await producer.transaction();
    await t1.send({ topic: 'out', messages: Array.from({ length: 5 }, (_, i) => ({ value: `committed-${i}` })) });
    await t1.sendOffsets({ consumerGroupId: 'g', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '5' }] }] });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic: 'out', messages: Array.from({ length: 3 }, (_, i) => ({ value: `open-${i}` })) });
    await t2.sendOffsets({ consumerGroupId: 'g', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '9' }] }] });

    const raw = await RawClient.connect(broker.port);
    const init = await raw.request(22, 1, { transactionalId: null, transactionTimeoutMs: 60_000 });
    const idempotent = encodeRecordBatch({ producerId: Number(init.producerId), producerEpoch: 0, baseSequence: 0, records: [{ value: 'idempotent-0' }] });
    const produce = (client: RawClient) => client.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'in', partitionData: [{ index: 0, records: Buffer.from(idempotent) }] }] });
    const first = (await produce(raw)).responses[0].partitionResponses[0];
    expect([first.errorCode, Number(first.baseOffset)]).toEqual([0, 0]);
    raw.close();

    await broker.kill();
    ({ broker, kafka } = await start(dataDir));
    const client = await RawClient.connect(broker.port);
    try {
      // The open transaction still holds the last stable offset and its offsets are unstable.
      expect(await endOffsets(client, 'out')).toEqual({ committed: 6, uncommitted: 9 });
      expect(await stableOffset(client, 'g')).toEqual({ offset: -1, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT });
      // A retry of the idempotent batch is still a duplicate: answered with its offset, not appended again.
      const retry = (await produce(client)).responses[0].partitionResponses[0];
      expect([retry.errorCode, Number(retry.baseOffset)]).toEqual([0, 0]);
      expect((await endOffsets(client, 'in')).uncommitted).toBe(1);

      // The application restarts its producer: the same transactional id (kafkajs sends InitProducerId
      // when the first transaction begins) fences and aborts the open transaction.
      const restarted = txnProducer(kafka, 'tx-crash');
      await restarted.connect();
      const t3 = await restarted.transaction();
      expect(await endOffsets(client, 'out')).toEqual({ committed: 10, uncommitted: 10 });
      expect(await stableOffset(client, 'g')).toEqual({ offset: 5, errorCode: 0 });
      await t3.send({ topic: 'out', messages: [{ value: 'after-restart' }] });
      await t3.commit();
      const values = (await readTopic(kafka, 'out', { readUncommitted: false }, (rs) => rs.some((r) => r.value === 'after-restart'))).map((r) => r.value);
      expect(values).toEqual([...Array.from({ length: 5 }, (_, i) => `committed-${i}`), 'after-restart']);
    } finally {
      client.close();
    }
  });

  it('aborts, after the restart, a transaction whose producer vanished, once its timeout passes', async () => {
    const dataDir = tempDir();
    let { broker, kafka } = await start(dataDir);
    const vanished = txnProducer(kafka, 'tx-vanished', 2000);
    await vanished.connect();
    const open = await vanished.transaction();
    await open.send({ topic: 'orphan', messages: [{ value: 'never-committed' }] });
    await broker.kill();

    ({ broker, kafka } = await start(dataDir));
    const client = await RawClient.connect(broker.port);
    try {
      const deadline = Date.now() + 30_000;
      let ends = await endOffsets(client, 'orphan');
      while (ends.committed !== ends.uncommitted && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        ends = await endOffsets(client, 'orphan');
      }
      expect(ends).toEqual({ committed: 2, uncommitted: 2 });
    } finally {
      client.close();
    }
  });
});

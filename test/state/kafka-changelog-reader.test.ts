import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMemoryBroker } from '../broker/test-broker.ts';
import { pino } from 'pino';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import { KafkaChangelogReader } from '../../src/state/changelog/kafka-changelog-reader.ts';
import { StateManager } from '../../src/state/state-manager.ts';

type Broker = Awaited<ReturnType<typeof startMemoryBroker>>;
let broker: Broker;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'sluice-state-'));
  broker = await startMemoryBroker();
});
afterAll(async () => {
  await broker?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('KafkaChangelogReader', () => {
  it('rebuilds state from a changelog topic on a real (embedded) broker', async () => {
    const kafka = new Kafka({ clientId: 't', brokers: [broker.address], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'changelog__g--orders--default', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();

    const first = new StateManager({ consumerGroup: 'g', stateDir });
    first.registerStore('orders', 'default');
    await first.assign('orders', 1);
    for (const [k, v] of [['p1', 3], ['p2', 4], ['p1', 5]] as const) first.state('orders', 1, k, 0).set('n', v);
    first.markProcessed('orders', 1, 2);
    const records = first.prepareCheckpoint();
    const [result] = await producer.send({
      topic: records[0].topic,
      messages: records.map((r) => ({ partition: r.partition, key: r.key, value: r.value, headers: r.headers })),
    });
    first.commitCheckpoint(() => Number(result.baseOffset) + records.length - 1);
    await first.close();
    await producer.disconnect();
    rmSync(join(stateDir, 'g'), { recursive: true, force: true });

    const second = new StateManager({ consumerGroup: 'g', stateDir });
    second.registerStore('orders', 'default');
    const client = createKafkaClient({ brokerAddress: broker.address, clientId: 't', logger: pino({ level: 'silent' }) });
    const reader = new KafkaChangelogReader({ client, stallTimeoutMs: 10_000 });
    expect(await reader.watermarks('changelog__g--orders--default', 1)).toEqual({ low: 0, high: 2 });
    await second.assign('orders', 1, reader);
    expect(second.state('orders', 1, 'p1', 0).get('n')).toBe(5);
    expect(second.state('orders', 1, 'p2', 0).get('n')).toBe(4);
    expect(second.isProcessed('orders', 1, 2, 'default')).toBe(true);
    expect(second.store('orders', 1).changelogOffset('default')).toBe(1);
    await second.close();
    await client.close();
  });
});

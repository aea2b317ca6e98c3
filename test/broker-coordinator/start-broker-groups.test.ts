import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startBroker } from '../../src/broker/start-broker.ts';
import { produce, startMember, union, waitFor, type Member } from './kafkajs-helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-coordinator-'));

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const client = (address: string) =>
  new Kafka({ clientId: 'e2e', brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });

describe('consumer groups on startBroker with file storage', () => {
  it('splits partitions over a group, and a restarted broker keeps the committed offsets', async () => {
    const topic = 'durable';
    const logger = pino({ level: process.env.BROKER_TEST_LOG ?? 'silent' });
    const first = await startBroker({ port: 0, dataDir, logger });
    const kafka1 = client(first.address);
    const admin1 = kafka1.admin();
    await admin1.connect();
    await admin1.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    const log1 = new Map<string, string[]>();
    const members: Member[] = [];
    for (const name of ['d1', 'd2', 'd3']) members.push(await startMember(kafka1, 'g-durable', topic, name, log1));
    await waitFor('one partition per consumer', () => members.every((m) => m.partitions.length === 1) && union(members).join() === '0,1,2');
    const before = await produce(kafka1, topic, 'd', 4, 3);
    await waitFor('12 messages', () => log1.size === 12);
    expect([...log1.keys()].sort()).toEqual([...before].sort());
    expect([...log1.values()].filter((readers) => readers.length > 1)).toEqual([]);
    await Promise.all(members.map((m) => m.consumer.disconnect()));
    await admin1.disconnect();
    await first.close();

    const second = await startBroker({ port: 0, dataDir, logger });
    try {
      const kafka2 = client(second.address);
      const admin2 = kafka2.admin();
      await admin2.connect();
      const committed = await admin2.fetchOffsets({ groupId: 'g-durable', topics: [topic] });
      expect(committed[0].partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
        [0, '4'],
        [1, '4'],
        [2, '4'],
      ]);
      const after = await produce(kafka2, topic, 'e', 2, 3);
      const log2 = new Map<string, string[]>();
      const resumed = await startMember(kafka2, 'g-durable', topic, 'd4', log2);
      await waitFor('6 new messages', () => log2.size === 6);
      await new Promise((r) => setTimeout(r, 300));
      expect([...log2.keys()].sort()).toEqual([...after].sort());
      expect(resumed.received).toHaveLength(6);
      await resumed.consumer.disconnect();
      await admin2.disconnect();
    } finally {
      await second.close();
    }
  });
});

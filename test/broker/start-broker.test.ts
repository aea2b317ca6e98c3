import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../../src/broker/index.ts';
import { ConfigError } from '../../src/errors.ts';

async function withDataDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-broker-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('startBroker', () => {
  it('rejects invalid options with a ConfigError naming the option', async () => {
    await expect(startBroker({ port: -1 })).rejects.toThrow(ConfigError);
    await expect(startBroker({ partitions: 0 })).rejects.toThrow(/partitions/);
    await expect(startBroker({ nope: true } as never)).rejects.toThrow(ConfigError);
  });

  it('keeps topics, records, committed offsets and the cluster id across a restart on the same dataDir', async () => {
    await withDataDir(async (dataDir) => {
      const first = await startBroker({ port: 0, dataDir, logLevel: 'silent', partitions: 2 });
      let kafka = new Kafka({ clientId: 'restart', brokers: [first.address], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      const { clusterId } = await admin.describeCluster();
      await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 2 }] });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'durable', messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: { n: String(i) } })) });
      await producer.disconnect();
      await first.close();

      const second = await startBroker({ port: 0, dataDir, logLevel: 'silent' });
      try {
        kafka = new Kafka({ clientId: 'restart', brokers: [second.address], logLevel: logLevel.NOTHING });
        const admin2 = kafka.admin();
        await admin2.connect();
        expect((await admin2.describeCluster()).clusterId).toBe(clusterId);
        const meta = await admin2.fetchTopicMetadata({ topics: ['durable'] });
        expect(meta.topics[0].partitions).toHaveLength(2);
        const offsets = await admin2.fetchTopicOffsets('durable');
        expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(50);
        await admin2.disconnect();
        const consumer = kafka.consumer({ groupId: 'after-restart' });
        await consumer.connect();
        await consumer.subscribe({ topic: 'durable', fromBeginning: true });
        const values: string[] = [];
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${values.length} of 50 arrived`)), 30_000);
          void consumer.run({
            eachMessage: async ({ message }) => {
              expect(message.headers!.n!.toString()).toBe(message.value!.toString().slice(1));
              values.push(message.value!.toString());
              if (values.length === 50) {
                clearTimeout(timer);
                resolve();
              }
            },
          });
        });
        await consumer.disconnect();
        expect(new Set(values)).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `v${i}`)));
      } finally {
        await second.close();
      }
    });
  });
});

import { faker } from '@faker-js/faker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransactionsProducer, type Transaction } from '../../apps/transactions-producer.ts';
import { consumeAll, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

describe('transactions-producer (a GeneratorSource)', () => {
  it('produces --count transactions keyed by user to a 3-partition topic, then stops', async () => {
    const topic = uniqueName('transactions');
    faker.seed(7);
    const progress: number[] = [];
    const { app, produced } = createTransactionsProducer({ brokerAddress: broker.address, topic, count: 250, faker, logLevel: 'silent', every: 100, onProgress: (n) => progress.push(n) });
    await app.run();
    expect(produced()).toBe(250);
    expect(progress).toEqual([100, 200]);

    const records = await consumeAll(broker.address, topic, 250);
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets).toHaveLength(3);
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(250);
    const values = records.map((r) => ({ key: r.key, t: JSON.parse(r.value!) as Transaction }));
    expect(new Set(values.map((v) => v.t.transaction_id)).size).toBe(250);
    for (const { key, t } of values) {
      expect(key).toBe(t.user_id);
      expect(t.user_id).toMatch(/^user_\d+$/);
      expect(t.product_id).toMatch(/^product_\d+$/);
      expect(t.amount).toBeGreaterThanOrEqual(5);
      expect(t.amount).toBeLessThanOrEqual(500);
    }
    // a user's transactions share a partition
    const partitionsByUser = new Map<string, Set<number>>();
    for (const r of records) partitionsByUser.set(r.key!, (partitionsByUser.get(r.key!) ?? new Set()).add(r.partition));
    expect([...partitionsByUser.values()].every((s) => s.size === 1)).toBe(true);
  });
});

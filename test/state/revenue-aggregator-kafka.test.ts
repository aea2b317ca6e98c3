import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faker } from '@faker-js/faker';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRevenueAggregator, type ProductRevenue } from '../../apps/revenue-aggregator.ts';
import { makeTransaction, type Transaction } from '../../apps/transactions-producer.ts';
import { startMemoryBroker } from '../broker/test-broker.ts';

let broker: Awaited<ReturnType<typeof startMemoryBroker>>;
let stateDir: string;

beforeAll(async () => {
  broker = await startMemoryBroker({ defaultPartitions: 3 });
  stateDir = mkdtempSync(join(tmpdir(), 'sluice-revenue-'));
});
afterAll(async () => {
  await broker?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function expectedTotals(all: Transaction[]): Map<string, { revenue: number; orders: number }> {
  const totals = new Map<string, { revenue: number; orders: number }>();
  for (const t of all) {
    const p = totals.get(t.product_id) ?? { revenue: 0, orders: 0 };
    totals.set(t.product_id, { revenue: Math.round((p.revenue + t.amount) * 100) / 100, orders: p.orders + 1 });
  }
  return totals;
}

async function runUntil(latest: Map<string, ProductRevenue>, app: { run(): Promise<void>; stop(): Promise<void> }, orders: number): Promise<void> {
  const done = app.run();
  const deadline = Date.now() + 40_000;
  while ([...latest.values()].reduce((n, p) => n + p.orders, 0) < orders && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await app.stop();
  await done;
}

describe('revenue-aggregator on a broker', () => {
  it('keeps durable totals, and rebuilds them from the changelog after the state directory is lost', async () => {
    const kafka = new Kafka({ clientId: 'test', brokers: [broker.address], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'transactions', numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    faker.seed(42);
    const send = async (n: number, base: number): Promise<Transaction[]> => {
      const batch = Array.from({ length: n }, (_, i) => makeTransaction(faker, new Date(base + i * 1000)));
      await producer.send({ topic: 'transactions', messages: batch.map((t) => ({ key: t.user_id, value: JSON.stringify(t) })) });
      return batch;
    };
    const first = await send(60, Date.parse('2026-11-23T00:00:00Z'));

    const options = { brokerAddress: broker.address, stateDir, logLevel: 'silent' as const, commitInterval: 100 };
    const run1 = createRevenueAggregator(options);
    await runUntil(run1.latest, run1.app, 60);
    const want1 = expectedTotals(first);
    expect(new Map([...run1.latest].map(([k, p]) => [k, { revenue: p.revenue, orders: p.orders }]))).toEqual(want1);

    rmSync(join(stateDir, 'revenue-aggregator'), { recursive: true, force: true });
    const second = await send(10, Date.parse('2026-11-23T00:05:00Z'));
    const run2 = createRevenueAggregator(options);
    const touched = new Set(second.map((t) => t.product_id));
    await runUntil(run2.latest, run2.app, [...touched].reduce((n, p) => n + expectedTotals([...first, ...second]).get(p)!.orders, 0));
    const want2 = expectedTotals([...first, ...second]);
    for (const product of touched) expect([product, run2.latest.get(product)?.revenue, run2.latest.get(product)?.orders]).toEqual([product, want2.get(product)!.revenue, want2.get(product)!.orders]);
    // only the 10 new transactions (and their repartitioned copies) were processed: the totals
    // of the first 60 came back from the changelog, not from reprocessing
    expect(run2.app.stats.processed).toBe(20);
    await producer.disconnect();
  });
});

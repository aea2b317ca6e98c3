// Seed 003 end to end: raw-orders-producer → `raw-orders` → orders-pipeline → PostgreSQL tables
// and CSV files, checked against the orders the test produced (the truth behind each raw order)
// and a recomputation of the per-product sales. Then PostgreSQL is stopped mid-run and started
// again: no order is lost, and the upserted sales are exact.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Faker, en } from '@faker-js/faker';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersPipeline, type ProductSales, type RejectedOrder } from '../../apps/orders-pipeline.ts';
import { createRawOrdersProducer, type CleanOrder, type makeRawOrder } from '../../apps/raw-orders-producer.ts';
import { SinkError } from '../../src/sinks/base/sink-error.ts';
import { consumeAll, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { usePostgres, type TestPostgres } from '../support/test-postgres.ts';

let broker: TestBroker;
const dirs: string[] = [];
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(async () => {
  await broker?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Produced = ReturnType<typeof makeRawOrder>;

/** Names, directories and the producer of one run of the system. */
function system(databaseUrl: string, seed: number) {
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const outputDir = mkdtempSync(join(tmpdir(), 'sluice-seed003-out-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-seed003-state-'));
  dirs.push(outputDir, stateDir);
  const names = { rawTopic: uniqueName('raw-orders'), rejectedTopic: uniqueName('orders-rejected'), consumerGroup: uniqueName('orders-pipeline'), ordersTable: `orders_${id}`, salesTable: `sales_${id}` };
  const produced: Produced[] = [];
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  return {
    names,
    outputDir,
    produced,
    produce: async (count: number): Promise<void> => {
      const { app } = createRawOrdersProducer({ brokerAddress: broker.address, topic: names.rawTopic, count, faker, logLevel: 'silent', onOrder: (o) => produced.push(o) });
      await app.run();
    },
    pipeline: (extra: { sinkAttempts?: number } = {}) =>
      createOrdersPipeline({ brokerAddress: broker.address, databaseUrl, outputDir, stateDir, commitInterval: 300, logLevel: 'silent', sinkRetryBackoffMs: 100, ...names, ...extra }).app,
  };
}

const clean = (produced: Produced[]): CleanOrder[] => produced.flatMap((p) => (p.clean ? [p.clean] : [])).sort((a, b) => a.order_id.localeCompare(b.order_id));

/** Per-product sales recomputed from the clean orders. */
function recompute(orders: CleanOrder[]): ProductSales[] {
  const by = new Map<string, { orders: number; quantity: number; cents: number; last: string }>();
  for (const o of orders) {
    const s = by.get(o.product_id) ?? { orders: 0, quantity: 0, cents: 0, last: '' };
    by.set(o.product_id, { orders: s.orders + 1, quantity: s.quantity + o.quantity, cents: s.cents + Math.round(o.amount * 100), last: o.ordered_at > s.last ? o.ordered_at : s.last });
  }
  return [...by].map(([product_id, s]) => ({ product_id, orders: s.orders, quantity: s.quantity, revenue: s.cents / 100, last_order_at: s.last })).sort((a, b) => a.product_id.localeCompare(b.product_id));
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

const tableOrders = (url: string, table: string) =>
  query<CleanOrder>(url, `SELECT order_id, customer_id, product_id, quantity, unit_price::float8 AS unit_price, amount::float8 AS amount, to_char(ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ordered_at FROM ${table} ORDER BY order_id`);
const tableSales = (url: string, table: string) =>
  query<ProductSales>(url, `SELECT product_id, orders::int, quantity::int, revenue::float8 AS revenue, to_char(last_order_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_order_at FROM ${table} ORDER BY product_id`);
const count = async (url: string, table: string): Promise<number> => Number((await query<{ n: string }>(url, `SELECT count(*) AS n FROM ${table}`))[0].n);

function csvRows(file: string): Record<string, string>[] {
  return parse(readFileSync(file), { columns: true }) as Record<string, string>[];
}

const csvOrder = (r: Record<string, string>): CleanOrder => ({ order_id: r.order_id, customer_id: r.customer_id, product_id: r.product_id, quantity: Number(r.quantity), unit_price: Number(r.unit_price), amount: Number(r.amount), ordered_at: r.ordered_at });

/** The last row of each product in product_sales.csv (it is a running log). */
function csvLatestSales(file: string): ProductSales[] {
  const latest = new Map<string, ProductSales>();
  for (const r of csvRows(file)) latest.set(r.product_id, { product_id: r.product_id, orders: Number(r.orders), quantity: Number(r.quantity), revenue: Number(r.revenue), last_order_at: r.last_order_at });
  return [...latest.values()].sort((a, b) => a.product_id.localeCompare(b.product_id));
}

async function waitFor(condition: () => Promise<boolean>, what: string, failed?: () => unknown, timeoutMs = 90_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (failed?.()) throw failed();
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('seed 003: Kafka → PostgreSQL + CSV', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await usePostgres();
  }, 120_000);
  afterAll(() => server?.close());

  it('table rows and CSV rows equal the orders produced, rejects are named, sales equal a recomputation', async () => {
    const s = system(server.url, 3003);
    await s.produce(400);
    const expected = clean(s.produced);
    const faults = s.produced.filter((p) => !p.clean);
    expect(faults.length).toBeGreaterThan(5);

    const app = s.pipeline();
    const running = app.run();
    let failure: unknown;
    running.catch((e: unknown) => (failure = e));
    const sales = s.names.salesTable;
    await waitFor(async () => (await count(server.url, s.names.ordersTable).catch(() => 0)) >= expected.length && (await query<{ n: string }>(server.url, `SELECT coalesce(sum(orders), 0) AS n FROM ${sales}`).catch(() => [{ n: '0' }]))[0].n === String(expected.length), 'every order in PostgreSQL', () => failure);
    const rejected = (await consumeAll(broker.address, s.names.rejectedTopic, faults.length, 60_000)).map((r) => JSON.parse(r.value!) as RejectedOrder);
    await app.stop();
    await running;

    expect(await tableOrders(server.url, s.names.ordersTable)).toEqual(expected);
    expect(csvRows(join(s.outputDir, 'orders.csv')).map(csvOrder).sort((a, b) => a.order_id.localeCompare(b.order_id))).toEqual(expected);
    const recomputed = recompute(expected);
    expect(await tableSales(server.url, sales)).toEqual(recomputed);
    expect(csvLatestSales(join(s.outputDir, 'product_sales.csv'))).toEqual(recomputed);
    expect(rejected.map((r) => r.order.order_id).sort()).toEqual(faults.map((f) => f.raw.order_id).sort());
    expect(rejected.every((r) => r.reason.length > 0)).toBe(true);
    expect(app.stats.sinks['orders-db'].rows).toBe(expected.length);
  }, 180_000);
});

describe('seed 003 when PostgreSQL is stopped mid-run and started again', () => {
  let own: TestPostgres;
  beforeAll(async () => {
    own = await usePostgres({ own: true });
  }, 120_000);
  afterAll(() => own?.close());

  it('the pipeline stops without committing, a restart writes the rest: no order lost, the upserted sales exact', async () => {
    const s = system(own.url, 3004);
    await s.produce(250);
    const first = clean(s.produced);
    const app1 = s.pipeline({ sinkAttempts: 3 });
    const running1 = app1.run();
    let failure: unknown;
    const stopped = running1.catch((e: unknown) => (failure = e));
    await waitFor(async () => (await count(own.url, s.names.ordersTable).catch(() => 0)) >= first.length, 'the first orders', () => failure);

    await own.stop();
    await s.produce(250);
    await stopped;
    expect(failure).toBeInstanceOf(SinkError);
    expect((failure as Error).message).toMatch(/sink '(orders|sales)-db' could not write \d+ rows .* after 3 attempts: .*Is PostgreSQL running and reachable at 127\.0\.0\.1:\d+\/sluice\?/);

    await own.start();
    const all = clean(s.produced);
    const app2 = s.pipeline();
    const running2 = app2.run();
    let failure2: unknown;
    running2.catch((e: unknown) => (failure2 = e));
    await waitFor(
      async () => new Set((await tableOrders(own.url, s.names.ordersTable)).map((o) => o.order_id)).size >= all.length && (await query<{ n: string }>(own.url, `SELECT coalesce(sum(orders), 0) AS n FROM ${s.names.salesTable}`))[0].n === String(all.length),
      'every order after the restart',
      () => failure2,
    );
    await app2.stop();
    await running2;

    const stored = await tableOrders(own.url, s.names.ordersTable);
    expect([...new Set(stored.map((o) => o.order_id))].sort()).toEqual(all.map((o) => o.order_id)); // none lost
    expect(stored.filter((o, i) => i > 0 && stored[i - 1].order_id === o.order_id)).toEqual([]); // none doubled
    expect(await tableSales(own.url, s.names.salesTable)).toEqual(recompute(all)); // upserted: exact
    const csvIds = new Set(csvRows(join(s.outputDir, 'orders.csv')).map((r) => r.order_id));
    expect([...csvIds].sort()).toEqual(all.map((o) => o.order_id));
    expect(csvLatestSales(join(s.outputDir, 'product_sales.csv'))).toEqual(recompute(all));
  }, 240_000);
});

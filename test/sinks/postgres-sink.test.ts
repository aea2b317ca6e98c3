// PostgresSink against a real PostgreSQL server (see test/support/test-postgres.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { SinkError } from '../../src/sinks/base/sink-error.ts';
import { PostgresSink, type PostgresSinkOptions } from '../../src/sinks/postgres-sink.ts';
import { usePostgres, type TestPostgres } from '../support/test-postgres.ts';

const logger = pino({ level: 'silent' });
let server: TestPostgres;
let db: pg.Client;
beforeAll(async () => {
  server = await usePostgres();
  db = new pg.Client({ connectionString: server.url });
  await db.connect();
}, 120_000);
afterAll(async () => {
  await db?.end();
  await server?.close();
});

const table = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
let offset = 0;
const row = <T>(value: T, partition = 0) => ({ value, ctx: { key: null, timestamp: 0, headers: {}, topic: 'orders', partition, offset: offset++ } });

async function opened<T>(options: Omit<PostgresSinkOptions, 'name'>): Promise<PostgresSink<T>> {
  const sink = new PostgresSink<T>({ name: 'pg', connectionString: server.url, retryBackoffMs: 10, ...options });
  await sink.open({ logger });
  return sink;
}

async function rows(name: string, order: string): Promise<Record<string, unknown>[]> {
  return (await db.query(`SELECT * FROM ${name} ORDER BY ${order}`)).rows;
}

describe('PostgresSink', () => {
  it('creates its table from a column spec and COPYs the rows, nulls, empty strings and JSON apart', async () => {
    const name = table('orders');
    const sink = await opened<{ id: number; product: string | null; note: string; meta: object; paid: boolean }>({
      table: name,
      createTable: true,
      columns: { id: 'bigint', product: 'text', note: 'text', meta: 'jsonb', paid: 'boolean' },
    });
    sink.add(row({ id: 1, product: 'pen', note: '', meta: { tags: ['a'] }, paid: true }));
    sink.add(row({ id: 2, product: null, note: 'say "hi",\nbye', meta: {}, paid: false }));
    await sink.flush();
    await sink.close();
    expect(await rows(name, 'id')).toEqual([
      { id: '1', product: 'pen', note: '', meta: { tags: ['a'] }, paid: true },
      { id: '2', product: null, note: 'say "hi",\nbye', meta: {}, paid: false },
    ]);
    expect(sink.stats).toMatchObject({ rows: 2, batches: 1, errors: 0 });
    expect(sink.stats.bytes).toBeGreaterThan(0);
  });

  it('creates its table from the first row when given no columns', async () => {
    const name = table('sample');
    const sink = await opened<object>({ table: name, createTable: true });
    sink.add(row({ id: 7, price: 2.5, name: 'ink', ok: true, at: new Date(0), extra: { a: 1 } }));
    await sink.flush();
    await sink.close();
    const types = await db.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [name]);
    expect(types.rows.map((r) => [r.column_name, r.data_type])).toEqual([
      ['id', 'bigint'],
      ['price', 'double precision'],
      ['name', 'text'],
      ['ok', 'boolean'],
      ['at', 'timestamp with time zone'],
      ['extra', 'jsonb'],
    ]);
    expect(await rows(name, 'id')).toHaveLength(1);
  });

  it('writes only the columns an existing table has (or the ones named)', async () => {
    const name = table('existing');
    await db.query(`CREATE TABLE ${name} (id bigint, amount numeric(10,2), created timestamptz DEFAULT now())`);
    const sink = await opened<object>({ table: name, columns: { id: 'bigint', amount: 'numeric' } });
    sink.add(row({ id: 1, amount: 9.99, ignored: 'x' }));
    await sink.flush();
    await sink.close();
    const [r] = await rows(name, 'id');
    expect([r.id, r.amount]).toEqual(['1', '9.99']);
    expect(r.created).toBeInstanceOf(Date);
  });

  it('upserts on a key: the last row of a key wins, and writing a batch twice changes nothing', async () => {
    const name = table('totals');
    const sink = await opened<{ product: string; orders: number; revenue: number }>({
      table: name,
      createTable: true,
      upsertKey: 'product',
      columns: { product: 'text', orders: 'bigint', revenue: 'numeric(12,2)' },
    });
    const batch = [
      { product: 'pen', orders: 1, revenue: 2 },
      { product: 'ink', orders: 1, revenue: 5 },
      { product: 'pen', orders: 2, revenue: 4.5 },
    ];
    for (const v of batch) sink.add(row(v));
    await sink.flush();
    for (const v of batch) sink.add(row(v)); // a replay after a crash
    sink.add(row({ product: 'ink', orders: 2, revenue: 11 }, 1));
    await sink.flush();
    await sink.close();
    expect(await rows(name, 'product')).toEqual([
      { product: 'ink', orders: '2', revenue: '11.00' },
      { product: 'pen', orders: '2', revenue: '4.50' },
    ]);
  });

  it('fails at open, without retrying, when the table is missing and createTable is not set', async () => {
    const name = table('missing');
    const error = await opened({ table: name, attempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkError);
    expect((error as Error).message).toContain(`table ${name} does not exist at 127.0.0.1:`);
    expect((error as Error).message).toContain('createTable: true');
  });

  it('fails at open when the table lacks a column it should write', async () => {
    const name = table('narrow');
    await db.query(`CREATE TABLE ${name} (id bigint)`);
    await expect(opened({ table: name, columns: { id: 'bigint', amount: 'numeric' } })).rejects.toThrow(`table ${name} at 127.0.0.1:${new URL(server.url).port}/sluice has no column amount (it has id)`);
  });

  it('stops at once on a row that does not fit, naming its offset; the rows stay unwritten', async () => {
    const name = table('typed');
    const sink = await opened<{ id: unknown }>({ table: name, createTable: true, columns: { id: 'bigint' }, attempts: 4 });
    sink.add(row({ id: 1 }));
    const bad = row({ id: 'not a number' });
    sink.add(bad);
    const error = await sink.flush().catch((e: unknown) => e);
    await sink.close();
    expect(error).toBeInstanceOf(SinkError);
    expect((error as Error).message).toContain(`(the row of offset ${bad.ctx.offset})`);
    expect((error as Error).message).toContain(`does not fit table ${name}`);
    expect(sink.stats.errors).toBe(1);
    expect(await rows(name, 'id')).toEqual([]); // COPY is all or nothing
  });

  it('refuses bad options', () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      expect(() => new PostgresSink({ name: 'pg', table: 't' })).toThrow(/pass connectionString or set DATABASE_URL/);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
    expect(() => new PostgresSink({ name: 'pg', table: 'bad-name', connectionString: server.url })).toThrow(ConfigError);
    expect(() => new PostgresSink({ name: 'pg', table: 't', connectionString: server.url, upsertKey: 'id', columns: { other: 'int' } })).toThrow(/upsertKey id is not among its columns/);
  });
});

describe('PostgresSink when the server goes away', () => {
  let own: TestPostgres;
  beforeAll(async () => {
    own = await usePostgres({ own: true });
  }, 120_000);
  afterAll(() => own?.close());

  it('retries, then fails naming the server; once it is back the same rows are written once', async () => {
    const name = table('outage');
    const sink = new PostgresSink<{ id: number }>({ name: 'pg-outage', connectionString: own.url, table: name, createTable: true, columns: { id: 'bigint' }, attempts: 3, retryBackoffMs: 50 });
    await sink.open({ logger });
    sink.add(row({ id: 1 }));
    await sink.flush();
    await own.stop();
    sink.add(row({ id: 2 }));
    sink.add(row({ id: 3 }));
    const error = await sink.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkError);
    expect((error as Error).message).toMatch(/could not write 2 rows of topic 'orders' partition 0 after 3 attempts: .*Is PostgreSQL running and reachable at 127\.0\.0\.1:\d+\/sluice\?/);
    await own.start();
    await sink.flush();
    await sink.close();
    const check = new pg.Client({ connectionString: own.url });
    await check.connect();
    const { rows: written } = await check.query(`SELECT id FROM ${name} ORDER BY id`);
    await check.end();
    expect(written.map((r) => Number(r.id))).toEqual([1, 2, 3]);
  }, 120_000);
});

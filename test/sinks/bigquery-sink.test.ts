// BigQuerySink against a real BigQuery emulator (bqemulator, started per file by the test).
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { SinkError } from '../../src/sinks/base/sink-error.ts';
import type { SinkRow } from '../../src/sinks/base/sink.ts';
import { BigQuerySink, type BigQuerySinkOptions } from '../../src/sinks/bigquery-sink.ts';
import { queryRows, startBqEmulator, type TestBqEmulator } from '../support/bq-emulator.ts';
import { uniqueName } from '../support/test-broker.ts';

const logger = pino({ level: 'silent' });
let bq: TestBqEmulator;

beforeAll(async () => {
  bq = await startBqEmulator();
}, 180_000);
afterAll(async () => {
  await bq?.close();
});

function sink<T>(options: Omit<BigQuerySinkOptions<T>, 'projectId' | 'name' | 'apiEndpoint' | 'credentials'> & { name?: string }): BigQuerySink<T> {
  return new BigQuerySink<T>({ name: 'test', projectId: bq.projectId, apiEndpoint: bq.endpoint, credentials: 'none', ...options });
}

function row<T>(value: T, offset: number, partition = 0): SinkRow<T> {
  return { value, ctx: { key: null, timestamp: 0, headers: {}, topic: 'events', partition, offset } };
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return queryRows(bq.client, sql);
}

const dataset = (): string => uniqueName('ds').replace(/-/g, '_');

describe('BigQuerySink (bqemulator)', () => {
  it('creates the dataset and table, streams each partition’s rows and reads them back with a query', async () => {
    const ds = dataset();
    const events = sink<Record<string, unknown>>({
      dataset: ds,
      table: 'events',
      columns: { id: 'STRING', n: 'INT64', x: 'FLOAT64', ok: 'BOOL', ts: 'TIMESTAMP' },
      maxRowsPerRequest: 2,
    });
    await events.open({ logger });
    try {
      for (let i = 0; i < 5; i++) events.add(row({ id: `p0-${i}`, n: 2 ** 40 + i, x: i / 4, ok: i % 2 === 0, ts: Date.UTC(2026, 11, 2, 18, 0, i) }, i, 0));
      events.add(row({ id: 'p1-0', ts: '2026-12-02T18:30:00.250Z' }, 0, 1));
      await events.flush();
    } finally {
      await events.close();
    }
    const rows = await query(`SELECT id, n, x, ok, UNIX_MILLIS(ts) AS ms FROM ${ds}.events ORDER BY id`);
    expect(rows).toEqual([
      ...Array.from({ length: 5 }, (_, i) => ({ id: `p0-${i}`, n: 2 ** 40 + i, x: i / 4, ok: i % 2 === 0, ms: Date.UTC(2026, 11, 2, 18, 0, i) })),
      { id: 'p1-0', n: null, x: null, ok: null, ms: Date.UTC(2026, 11, 2, 18, 30, 0, 250) },
    ]);
    expect(events.stats).toMatchObject({ rows: 6, batches: 2, errors: 0 });
    expect(events.stats.bytes).toBeGreaterThan(0);
  });

  it('writes into an existing table with the columns, and refuses one whose columns differ', async () => {
    const ds = dataset();
    await bq.client.createDataset(ds);
    await bq.client.dataset(ds).createTable('pages', { schema: { fields: [{ name: 'page', type: 'STRING' }, { name: 'views', type: 'INTEGER' }, { name: 'note', type: 'STRING' }] } });
    const pages = sink<{ page: string; views: number }>({ dataset: ds, table: 'pages', columns: { page: 'STRING', views: 'INT64' } });
    await pages.open({ logger });
    pages.add(row({ page: '/', views: 3 }, 0));
    await pages.flush();
    await pages.close();
    expect(await query(`SELECT page, views, note FROM ${ds}.pages`)).toEqual([{ page: '/', views: 3, note: null }]);

    const wrong = sink({ dataset: ds, table: 'pages', columns: { page: 'STRING', views: 'FLOAT64', extra: 'BOOL' } });
    await expect(wrong.open({ logger })).rejects.toThrow(/table demo\.\w+\.pages exists but does not have the columns views FLOAT64 \(is INT\w*\), extra BOOL \(missing\)/);
  });

  it('refuses a row that does not fit a column before sending anything, naming the column and message', async () => {
    const ds = dataset();
    const typed = sink<Record<string, unknown>>({ dataset: ds, table: 'typed', columns: { id: 'STRING', n: 'INT64' }, attempts: 3 });
    await typed.open({ logger });
    try {
      typed.add(row({ id: 'ok', n: 1 }, 40, 2));
      typed.add(row({ id: 'bad', n: 1.5 }, 41, 2));
      const error = await typed.flush().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SinkError);
      expect((error as SinkError).retriable).toBe(false);
      expect((error as Error).message).toMatch(/column 'n' \(INT64\) of the row from events\[2\]@41 must be an integer, got 1\.5/);
      expect(typed.stats.errors).toBe(1); // not retried
    } finally {
      await typed.close();
    }
    expect(await query(`SELECT COUNT(*) AS n FROM ${ds}.typed`)).toEqual([{ n: 0 }]);
  });

  it('retries while the emulator is down, then fails naming the sink and what to check; after a restart the batch is written', async () => {
    const ds = dataset();
    const events = sink<{ id: string }>({ name: 'bq-events', dataset: ds, table: 'events', columns: { id: 'STRING' }, attempts: 3, retryBackoffMs: 50 });
    await events.open({ logger });
    try {
      events.add(row({ id: 'before' }, 0));
      await events.flush();
      await bq.stop();
      events.add(row({ id: 'during-1' }, 1));
      events.add(row({ id: 'during-2' }, 2));
      const error = await events.flush().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SinkError);
      expect((error as SinkError).sink).toBe('bq-events');
      expect((error as Error).message).toMatch(new RegExp(`sink 'bq-events' could not write 2 rows of topic 'events' partition 0 after 3 attempts: .*Check that BigQuery at ${bq.endpoint} is reachable`));
      expect(events.stats.errors).toBe(3);
      expect(events.pendingRows).toBe(2); // kept: nothing was committed

      await bq.start();
      await events.flush();
    } finally {
      await events.close();
    }
    expect((await query(`SELECT id FROM ${ds}.events ORDER BY id`)).map((r) => r.id)).toEqual(['before', 'during-1', 'during-2']);
  });

  it('fails to open when BigQuery is unreachable, saying where it looked', async () => {
    const nowhere = new BigQuerySink({ name: 'nowhere', projectId: 'demo', dataset: 'd', table: 't', columns: { id: 'STRING' }, apiEndpoint: 'http://127.0.0.1:9', credentials: 'none' });
    await expect(nowhere.open({ logger })).rejects.toThrow(/BigQuerySink 'nowhere' could not prepare table demo\.d\.t: .*Check that BigQuery at http:\/\/127\.0\.0\.1:9 is reachable/);
  });

  it('checks its options once, naming the option', () => {
    const base = { name: 'x', projectId: 'demo', dataset: 'd', table: 't', columns: { id: 'STRING' as const } };
    expect(() => new BigQuerySink({ ...base, dataset: 'my-dataset' })).toThrow(ConfigError);
    expect(() => new BigQuerySink({ ...base, dataset: 'my-dataset' })).toThrow(/invalid BigQuerySink options: dataset: must be a letter/);
    expect(() => new BigQuerySink({ ...base, apiEndpoint: 'localhost:9050' })).toThrow(/apiEndpoint: must be an http\(s\) URL/);
    expect(() => new BigQuerySink({ ...base, credentials: 'anonymous' as never })).toThrow(/credentials/);
    expect(() => new BigQuerySink({ ...base, columns: { id: 'VARCHAR' as never } })).toThrow(/columns\.id/);
    expect(() => new BigQuerySink({ ...base, projectId: 'Demo Project' })).toThrow(/projectId: must be a project id/);
  });
});

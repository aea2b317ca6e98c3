import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, SluiceError } from '../errors.ts';
import { SinkError } from './base/sink-error.ts';
import type { SinkRow } from './base/sink.ts';
import { DuckDbSink, type DuckDbSinkOptions } from './duckdb-sink.ts';

const logger = pino({ level: 'silent' });
let dir: string;
let database: string;
const open: DuckDbSink<any>[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-'));
  database = join(dir, 'warehouse.duckdb');
});
afterEach(async () => {
  for (const sink of open.splice(0)) await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

async function openSink<T>(options: Omit<DuckDbSinkOptions<T>, 'database' | 'name'> & { name?: string; database?: string }): Promise<DuckDbSink<T>> {
  const sink = new DuckDbSink<T>({ name: 'test', database, attempts: 1, ...options });
  await sink.open({ logger });
  open.push(sink);
  return sink;
}

function row<T>(value: T, offset: number, partition = 0): SinkRow<T> {
  return { value, ctx: { key: null, timestamp: 0, headers: {}, topic: 'events', partition, offset } };
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  // the instance must outlive the connection (a collected instance hangs the next fromCache)
  const instance = await DuckDBInstance.fromCache(database);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    readers.push(instance);
  }
}
const readers: DuckDBInstance[] = [];

describe('DuckDbSink', () => {
  it('creates the table from the column spec and appends each checkpoint’s rows, converting the types', async () => {
    const sink = await openSink<Record<string, unknown>>({
      table: 'events',
      columns: { id: 'VARCHAR', n: 'BIGINT', small: 'INTEGER', x: 'DOUBLE', ok: 'BOOLEAN', at: 'TIMESTAMP', extra: 'JSON' },
    });
    sink.add(row({ id: 'a', n: 2 ** 40, small: 7, x: 1.5, ok: true, at: '2026-12-02T18:00:00.123Z', extra: { tags: ['x'] } }, 0));
    sink.add(row({ id: 'b', n: 2, small: -1, x: -0.25, ok: false, at: Date.UTC(2026, 11, 2, 18, 1), extra: null }, 1));
    sink.add(row({ id: 'c', at: new Date(Date.UTC(2026, 11, 2)) }, 0, 1)); // missing fields are NULL
    await sink.flush();
    sink.add(row({ id: 'a', n: 3 }, 2)); // no key: appended again
    await sink.flush();

    const rows = await query('SELECT id, n, small, x, ok, epoch_ms("at") AS "at", extra FROM events ORDER BY id, n');
    expect(rows).toEqual([
      { id: 'a', n: 3n, small: null, x: null, ok: null, at: null, extra: null },
      { id: 'a', n: 2n ** 40n, small: 7, x: 1.5, ok: true, at: BigInt(Date.UTC(2026, 11, 2, 18, 0, 0, 123)), extra: '{"tags":["x"]}' },
      { id: 'b', n: 2n, small: -1, x: -0.25, ok: false, at: BigInt(Date.UTC(2026, 11, 2, 18, 1)), extra: null },
      { id: 'c', n: null, small: null, x: null, ok: null, at: BigInt(Date.UTC(2026, 11, 2)), extra: null },
    ]);
    expect(sink.stats).toMatchObject({ rows: 4, batches: 3, errors: 0 });
    expect(sink.pendingRows).toBe(0);
  });

  it('upserts on the key: the latest row per key wins and a batch written again changes nothing', async () => {
    const sink = await openSink<{ page: string; minute: number; views: number }>({
      table: 'page_minutes',
      columns: { page: 'VARCHAR', minute: 'TIMESTAMP', views: 'BIGINT' },
      key: ['page', 'minute'],
    });
    const batch = [
      row({ page: '/', minute: 0, views: 1 }, 0),
      row({ page: '/cart', minute: 0, views: 1 }, 1),
      row({ page: '/', minute: 0, views: 2 }, 2),
      row({ page: '/', minute: 60_000, views: 1 }, 3),
    ];
    for (const r of batch) sink.add(r);
    await sink.flush();
    for (const r of batch) sink.add(r); // replayed after a restart
    sink.add(row({ page: '/cart', minute: 0, views: 5 }, 4));
    await sink.flush();

    expect(await query('SELECT page, epoch_ms(minute) AS minute, views FROM page_minutes ORDER BY page, minute')).toEqual([
      { page: '/', minute: 0n, views: 2n },
      { page: '/', minute: 60_000n, views: 1n },
      { page: '/cart', minute: 0n, views: 5n },
    ]);
  });

  it('turns values into rows with toRow (the message key, window bounds)', async () => {
    const sink = await openSink<{ start: number; views: number }>({
      table: 'views',
      columns: { page: 'VARCHAR', window_start: 'TIMESTAMP', views: 'BIGINT' },
      key: ['page', 'window_start'],
      toRow: (w, ctx) => ({ page: ctx.key, window_start: w.start, views: w.views }),
    });
    sink.add({ value: { start: 120_000, views: 9 }, ctx: { key: '/search', timestamp: 0, headers: {}, topic: 'pages', partition: 2, offset: 5 } });
    await sink.flush();
    expect(await query('SELECT page, epoch_ms(window_start) AS s, views FROM views')).toEqual([{ page: '/search', s: 120_000n, views: 9n }]);
  });

  it('refuses a row that does not fit a column, naming the sink, column and message, and writes none of its batch', async () => {
    const sink = await openSink<Record<string, unknown>>({ table: 'typed', columns: { id: 'VARCHAR', n: 'BIGINT' } });
    sink.add(row({ id: 'ok', n: 1 }, 10, 3));
    sink.add(row({ id: 'bad', n: 'seven' }, 11, 3));
    const error = await sink.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkError);
    expect((error as SinkError).sink).toBe('test');
    expect((error as SinkError).retriable).toBe(false);
    expect((error as Error).message).toMatch(/column 'n' \(BIGINT\) of the row from events\[3\]@11 must be an integer, got "seven"/);
    expect(await query('SELECT count(*)::INTEGER AS n FROM typed')).toEqual([{ n: 0 }]);

    // the sink goes on working for a fresh batch
    sink.discard([{ topic: 'events', partition: 3 }]);
    sink.add(row({ id: 'next', n: 2 }, 12, 3));
    await sink.flush();
    expect(await query('SELECT id FROM typed')).toEqual([{ id: 'next' }]);
  });

  it('refuses a value that is not an object unless toRow says how to make a row of it', async () => {
    const sink = await openSink<number>({ table: 'numbers', columns: { n: 'BIGINT' } });
    sink.add(row(5, 0));
    await expect(sink.flush()).rejects.toThrow(/the value of events\[0\]@0 is number, not an object with one field per column: pass toRow/);
  });

  it('keeps rows across close and reopen, and two sinks share one database file', async () => {
    const events = await openSink<{ id: string }>({ name: 'events', table: 'events', columns: { id: 'VARCHAR' } });
    const pages = await openSink<{ page: string; views: number }>({ name: 'pages', table: 'pages', columns: { page: 'VARCHAR', views: 'BIGINT' }, key: ['page'] });
    events.add(row({ id: 'e1' }, 0));
    pages.add(row({ page: '/', views: 1 }, 0));
    await Promise.all([events.flush(), pages.flush()]);
    for (const sink of open.splice(0)) await sink.close();

    const again = await openSink<{ id: string }>({ name: 'events', table: 'events', columns: { id: 'VARCHAR' } });
    again.add(row({ id: 'e2' }, 1));
    await again.flush();
    expect(await query('SELECT id FROM events ORDER BY id')).toEqual([{ id: 'e1' }, { id: 'e2' }]);
    expect(await query('SELECT page, views FROM pages')).toEqual([{ page: '/', views: 1n }]);
  });

  it('refuses an existing table that lacks a configured column, saying how to fix it', async () => {
    await (await openSink({ table: 'narrow', columns: { id: 'VARCHAR' } })).close();
    open.length = 0;
    const sink = new DuckDbSink({ name: 'wide', database, table: 'narrow', columns: { id: 'VARCHAR', n: 'BIGINT' } });
    await expect(sink.open({ logger })).rejects.toThrow(/table narrow in .* exists without column\(s\) n\. Add them \(ALTER TABLE narrow ADD COLUMN/);
  });

  it('checks its options once, naming the option', () => {
    const base = { name: 'x', database, table: 't', columns: { id: 'VARCHAR' as const } };
    expect(() => new DuckDbSink({ ...base, table: 'drop table; --' })).toThrow(ConfigError);
    expect(() => new DuckDbSink({ ...base, table: 'drop table; --' })).toThrow(/invalid DuckDbSink options: table: must be a letter/);
    expect(() => new DuckDbSink({ ...base, columns: { id: 'TEXTISH' as never } })).toThrow(/columns\.id/);
    expect(() => new DuckDbSink({ ...base, columns: {} })).toThrow(/columns: needs at least one column/);
    expect(() => new DuckDbSink({ ...base, key: ['nope'] })).toThrow(SluiceError);
    expect(() => new DuckDbSink({ ...base, key: ['nope'] })).toThrow(/key column 'nope' is not one of columns \(id\)/);
    expect(() => new DuckDbSink({ ...base, tabel: 'x' } as never)).toThrow(/tabel/);
  });
});

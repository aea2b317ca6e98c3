import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { SinkError } from './base/sink-error.ts';
import { CsvSink, type CsvSinkOptions } from './csv-sink.ts';

const logger = pino({ level: 'silent' });
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-csv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let offset = 0;
const row = <T>(value: T, topic = 'orders', partition = 0) => ({ value, ctx: { key: null, timestamp: 0, headers: {}, topic, partition, offset: offset++ } });

async function writeRows<T>(options: Partial<CsvSinkOptions>, rows: { value: T; topic?: string; partition?: number }[]): Promise<CsvSink<T>> {
  const sink = new CsvSink<T>({ name: 'csv', dir, ...options });
  await sink.open({ logger });
  for (const r of rows) sink.add(row(r.value, r.topic, r.partition));
  await sink.flush();
  await sink.close();
  return sink;
}

const read = (file: string): string[][] => parse(readFileSync(join(dir, file)), { relax_column_count: true }) as string[][];

describe('CsvSink', () => {
  it('writes a file per topic with a header row, fields as columns', async () => {
    const sink = await writeRows({}, [{ value: { id: 1, product: 'pen', amount: 2.5 } }, { value: { id: 2, product: 'ink', amount: 7 } }, { value: { id: 3 }, topic: 'refunds' }]);
    expect(readdirSync(dir).sort()).toEqual(['orders.csv', 'refunds.csv']);
    expect(read('orders.csv')).toEqual([['id', 'product', 'amount'], ['1', 'pen', '2.5'], ['2', 'ink', '7']]);
    expect(read('refunds.csv')).toEqual([['id'], ['3']]);
    expect(sink.stats).toMatchObject({ rows: 3, batches: 2 });
    expect(sink.stats.bytes).toBe(readFileSync(join(dir, 'orders.csv')).length + readFileSync(join(dir, 'refunds.csv')).length);
  });

  it('writes a file per topic-partition with perPartition', async () => {
    await writeRows({ perPartition: true }, [{ value: { id: 1 }, partition: 0 }, { value: { id: 2 }, partition: 2 }]);
    expect(readdirSync(dir).sort()).toEqual(['orders-0.csv', 'orders-2.csv']);
    expect(read('orders-2.csv')).toEqual([['id'], ['2']]);
  });

  it('names the files after fileName instead of the topic', async () => {
    await writeRows({ fileName: 'sales' }, [{ value: { id: 1 }, topic: 'a' }, { value: { id: 2 }, topic: 'b' }]);
    expect(readdirSync(dir)).toEqual(['sales.csv']);
    expect(read('sales.csv')).toEqual([['id'], ['1'], ['2']]);
  });

  it('keeps nulls, empty strings, quotes, newlines, booleans, dates and objects apart', async () => {
    const value = { a: null, b: '', c: 'say "hi",\nbye', d: false, e: new Date(0), f: { x: [1, 2] } };
    await writeRows({}, [{ value }]);
    const [header, cells] = read('orders.csv');
    expect(header).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(cells).toEqual(['', '', 'say "hi",\nbye', 'false', '1970-01-01T00:00:00.000Z', '{"x":[1,2]}']);
    expect(readFileSync(join(dir, 'orders.csv'), 'utf8').split('\n')[1]).toBe(',"","say ""hi"",');
  });

  it('appends across restarts without a second header, in the columns of the existing file', async () => {
    await writeRows({}, [{ value: { id: 1, product: 'pen' } }]);
    await writeRows({}, [{ value: { product: 'ink', id: 2, extra: true } }]);
    expect(read('orders.csv')).toEqual([['id', 'product'], ['1', 'pen'], ['2', 'ink']]);
  });

  it('cuts off a torn last record left by a killed write and writes after it', async () => {
    await writeRows({}, [{ value: { id: 1, note: 'one' } }, { value: { id: 2, note: 'two' } }]);
    appendFileSync(join(dir, 'orders.csv'), '3,"half a quoted\nfield');
    await writeRows({}, [{ value: { id: 3, note: 'three' } }]);
    expect(read('orders.csv')).toEqual([['id', 'note'], ['1', 'one'], ['2', 'two'], ['3', 'three']]);
  });

  it('rewrites a header that was torn', async () => {
    writeFileSync(join(dir, 'orders.csv'), 'id,no');
    await writeRows({}, [{ value: { id: 1, note: 'one' } }]);
    expect(read('orders.csv')).toEqual([['id', 'note'], ['1', 'one']]);
  });

  it('rolls to a new file, with its own header, before a file would pass maxFileBytes', async () => {
    const sink = new CsvSink<{ id: number; pad: string }>({ name: 'csv', dir, maxFileBytes: 100 });
    await sink.open({ logger });
    for (let id = 0; id < 6; id++) {
      sink.add(row({ id, pad: 'x'.repeat(30) }));
      await sink.flush();
    }
    await sink.close();
    const files = readdirSync(dir).sort((a, b) => a.length - b.length || a.localeCompare(b));
    expect(files).toEqual(['orders.csv', 'orders.1.csv', 'orders.2.csv']);
    const rows = files.flatMap((f) => {
      expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(100);
      const [header, ...data] = read(f);
      expect(header).toEqual(['id', 'pad']);
      return data.map((d) => Number(d[0]));
    });
    expect(rows).toEqual([0, 1, 2, 3, 4, 5]);
    // a restart appends to the newest file
    await writeRows({ maxFileBytes: 100 }, [{ value: { id: 6, pad: '' } }]);
    expect(read('orders.2.csv').map((r) => r[0])).toEqual(['id', '4', '5', '6']);
  });

  it('fails at once, naming the file, when the file has other columns than the ones asked for', async () => {
    await writeRows({}, [{ value: { id: 1 } }]);
    const error = await writeRows({ columns: ['id', 'amount'], attempts: 3 }, [{ value: { id: 2, amount: 1 } }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkError);
    expect((error as Error).message).toMatch(/orders\.csv has the columns id but this sink writes id,amount; move the file away/);
    expect((error as SinkError).retriable).toBe(false);
  });

  it('refuses bad options', () => {
    expect(() => new CsvSink({ name: 'csv', dir: '' })).toThrow(ConfigError);
    expect(() => new CsvSink({ name: 'csv', dir, delimiter: '"' })).toThrow(/delimiter/);
    expect(() => new CsvSink({ name: 'csv', dir, colums: ['a'] } as unknown as CsvSinkOptions)).toThrow(/colums/);
  });

  it('after a writer is killed mid-write (SIGKILL), the next run leaves only complete rows, every fsynced batch kept', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../test/sinks/fixtures/csv-writer.ts', import.meta.url)), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acknowledged = 0;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.trim().split('\n');
        acknowledged = Number(lines.at(-1));
        // kill once a few batches are in, at a moment the next one is being written
        if (acknowledged >= 6000) setTimeout(() => child.kill('SIGKILL'), 3);
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(acknowledged).toBeGreaterThanOrEqual(6000);
    const sink = new CsvSink<{ id: number; text: string; note: string }>({ name: 'csv', dir });
    await sink.open({ logger });
    sink.add(row({ id: -1, text: 'after the restart', note: 'last' }, 'events'));
    await sink.flush();
    await sink.close();
    const [header, ...rows] = parse(readFileSync(join(dir, 'events.csv'))) as string[][];
    expect(header).toEqual(['id', 'text', 'note']);
    const ids = rows.map((r) => Number(r[0]));
    expect(ids.at(-1)).toBe(-1);
    const before = ids.slice(0, -1);
    expect(before).toEqual([...before.keys()]); // complete rows, in order, none torn
    expect(before.length).toBeGreaterThanOrEqual(acknowledged); // every fsynced batch is kept
  }, 60_000);
});

import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { SourceError } from '../../src/sources/base/source-error.ts';
import { FileSource, type FilePosition } from '../../src/sources/file-source.ts';
import { fakeSourceContext } from './fake-source-context.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-file-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, content);
  return path;
};

interface Order {
  id: number;
  customer: string;
  note?: string;
}

/** Runs `source` to its end (or until it has produced `stopAfter`) and returns what it produced and its last position. */
async function runOnce<V>(source: FileSource<V>, position?: FilePosition, stopAfter?: number) {
  const ctx = fakeSourceContext<V, string, FilePosition>({ position, ...(stopAfter ? { stopAfter } : {}) });
  const error = await source.run(ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { produced: ctx.produced, position: ctx.positions.at(-1) ?? position, progress: ctx.progressReports.at(-1), error };
}

const orders = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => JSON.stringify({ id: from + i, customer: `c${(from + i) % 3}`, note: 'é✓ 🚚' }) + '\n').join('');

describe('FileSource, JSON lines', () => {
  it('produces each line as a message keyed by a field, skipping blank lines, with CRLF and a last line without a line break', async () => {
    const path = file('orders.jsonl', '{"id":1,"customer":"a"}\r\n\n{"id":2,"customer":"b"}\n   \n{"id":3,"customer":"a"}');
    const { produced, position, progress } = await runOnce(new FileSource<Order>({ path, key: 'customer' }));
    expect(produced.map((m) => [m.key, m.value.id])).toEqual([['a', 1], ['b', 2], ['a', 3]]);
    expect(position).toMatchObject({ records: 3, line: 6, bytes: Buffer.byteLength('{"id":1,"customer":"a"}\r\n\n{"id":2,"customer":"b"}\n   \n{"id":3,"customer":"a"}') });
    expect(progress).toEqual({ done: position!.bytes, total: position!.bytes, unit: 'bytes' });
  });

  it('reads a file larger than a read chunk, with multi-byte characters across chunk boundaries, byte-exactly', async () => {
    const path = file('big.jsonl', orders(0, 5000));
    const { produced, position } = await runOnce(new FileSource<Order>({ path, key: (o) => `k${o.id % 7}`, timestamp: (o) => 1_000 + o.id }));
    expect(produced).toHaveLength(5000);
    expect(produced.map((m) => m.value.id)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(produced.every((m) => m.value.note === 'é✓ 🚚')).toBe(true);
    expect(produced[42]).toMatchObject({ key: 'k0', timestamp: 1042 });
    expect(position).toMatchObject({ records: 5000, line: 5001, bytes: Buffer.byteLength(orders(0, 5000)) });
  });

  it('resumes after the last delivered line: two runs produce every line exactly once', async () => {
    const path = file('resume.jsonl', orders(0, 3000));
    const source = new FileSource<Order>({ path });
    const first = await runOnce(source, undefined, 1234);
    expect(first.produced.length).toBeGreaterThanOrEqual(1234);
    expect(first.position!.records).toBe(first.produced.length);
    const second = await runOnce(source, first.position);
    expect([...first.produced, ...second.produced].map((m) => m.value.id)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it('after lines are appended, produces only the new ones; a replaced file is read from the start', async () => {
    const path = file('grow.jsonl', orders(0, 10));
    const source = new FileSource<Order>({ path });
    const first = await runOnce(source);
    appendFileSync(path, orders(10, 15));
    const second = await runOnce(source, first.position);
    expect(second.produced.map((m) => m.value.id)).toEqual([10, 11, 12, 13, 14]);
    const third = await runOnce(source, second.position);
    expect(third.produced).toEqual([]);
    writeFileSync(path, orders(100, 120)); // another file under the same name: longer, different start
    const fourth = await runOnce(source, third.position);
    expect(fourth.produced.map((m) => m.value.id)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    writeFileSync(path, orders(100, 102)); // truncated
    const fifth = await runOnce(source, fourth.position);
    expect(fifth.produced.map((m) => m.value.id)).toEqual([100, 101]);
  });

  it('with resume: false reads the whole file every run', async () => {
    const path = file('again.jsonl', orders(0, 5));
    const source = new FileSource<Order>({ path, resume: false });
    expect(source.resumable).toBe(false);
    const first = await runOnce(source);
    const second = await runOnce(source, first.position);
    expect(second.produced).toHaveLength(5);
  });

  it('stops at a line that is not JSON, naming file and line; once fixed, the next run starts at that line', async () => {
    const lines = orders(0, 4).split('\n');
    const path = file('bad.jsonl', [...lines.slice(0, 4), '{"id": 4, "customer": ', ...orders(5, 8).split('\n')].join('\n'));
    const source = new FileSource<Order>({ path });
    const first = await runOnce(source);
    expect(first.error).toBeInstanceOf(SourceError);
    expect((first.error as Error).message).toMatch(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 5: not valid JSON \\(.*\\)\\. Fix or remove that line and run again: the 4 record\\(s\\) before it were delivered and the source resumes after them \\(line 5\\)`));
    expect(first.produced.map((m) => m.value.id)).toEqual([0, 1, 2, 3]);
    writeFileSync(path, orders(0, 8));
    const second = await runOnce(source, first.position);
    expect(second.produced.map((m) => m.value.id)).toEqual([4, 5, 6, 7]);
  });

  it('stops when parse rejects a record, naming the line and the reason', async () => {
    const path = file('typed.jsonl', '{"id":1,"customer":"a"}\n{"id":"two","customer":"b"}\n');
    const parse = (r: any): Order => {
      if (typeof r.id !== 'number') throw new Error(`id must be a number, got ${JSON.stringify(r.id)}`);
      return r as Order;
    };
    const { produced, error } = await runOnce(new FileSource<Order>({ path, parse }));
    expect(produced.map((m) => m.value.id)).toEqual([1]);
    expect((error as Error).message).toContain('line 2: rejected by parse: id must be a number, got "two"');
  });

  it('a missing file is a SourceError that names the path', async () => {
    const { error } = await runOnce(new FileSource({ path: join(dir, 'nope.jsonl') }));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(/cannot read .*nope\.jsonl: ENOENT; check the path/);
  });
});

describe('FileSource, CSV', () => {
  const csv = 'id,customer,note\n1,a,"two\nlines"\n2,b,plain\n\n3,"c, inc",x\n';

  it('produces each row as an object by header column (csv-parse), casting numbers when asked', async () => {
    const path = file('orders.csv', csv);
    const { produced, position } = await runOnce(new FileSource<Order>({ path, key: 'customer', csv: { cast: true } }));
    expect(produced.map((m) => [m.key, m.value])).toEqual([
      ['a', { id: 1, customer: 'a', note: 'two\nlines' }],
      ['b', { id: 2, customer: 'b', note: 'plain' }],
      ['c, inc', { id: 3, customer: 'c, inc', note: 'x' }],
    ]);
    expect(position).toMatchObject({ records: 3, bytes: Buffer.byteLength(csv), columns: ['id', 'customer', 'note'] });
    const raw = await runOnce(new FileSource({ path, name: 'raw', format: 'csv' }));
    expect(raw.produced[0]!.value).toEqual({ id: '1', customer: 'a', note: 'two\nlines' });
  });

  it('resumes in the middle of a CSV file with the stored header', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `${i},c${i % 5},"n ""${i}"""`).join('\n');
    const path = file('many.csv', `id,customer,note\n${rows}\n`);
    const source = new FileSource<Order>({ path, csv: { cast: true } });
    const first = await runOnce(source, undefined, 700);
    const second = await runOnce(source, first.position);
    const all = [...first.produced, ...second.produced].map((m) => m.value);
    expect(all.map((o) => o.id)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(all[1999]).toEqual({ id: 1999, customer: 'c4', note: 'n "1999"' });
  });

  it('reads a headerless file with the given columns and delimiter', async () => {
    const path = file('plain.csv', '1;a\n2;b\n');
    const { produced } = await runOnce(new FileSource({ path, csv: { columns: ['id', 'customer'], delimiter: ';' } }));
    expect(produced.map((m) => m.value)).toEqual([{ id: '1', customer: 'a' }, { id: '2', customer: 'b' }]);
  });

  it('stops at a row with the wrong number of fields, naming the line', async () => {
    const path = file('ragged.csv', 'id,customer\n1,a\n2,b,extra\n3,c\n');
    const { produced, error } = await runOnce(new FileSource({ path }));
    expect(produced.map((m) => m.value)).toEqual([{ id: '1', customer: 'a' }]);
    expect((error as Error).message).toMatch(/ragged\.csv line 3: not valid CSV \(.*\)\. Fix or remove that line/);
  });
});

describe('FileSource options', () => {
  it('rejects bad options with a ConfigError naming the option', () => {
    expect(() => new FileSource({ path: 'x.txt' })).toThrow(/cannot tell the format of 'x.txt'.*format: 'jsonl' or 'csv'/);
    expect(() => new FileSource({ path: 'x.csv', csv: { delimiter: '' } })).toThrow(/option 'csv.delimiter' is invalid/);
    expect(() => new FileSource({ path: 'x.csv', name: 'no spaces' })).toThrow(ConfigError);
    expect(() => new FileSource({ path: 'x.csv', follow: true } as never)).toThrow(/unknown FileSource option 'follow'/);
  });

  it('names itself after the file by default', () => {
    expect(new FileSource({ path: 'data/my orders.csv' }).name).toBe('file-my_orders.csv');
  });
});

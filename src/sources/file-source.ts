import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { Source, SourceContext } from './base/source.ts';
import { SourceError } from './base/source-error.ts';
import { readCsv, type CsvOptions } from './file/csv-records.ts';
import { FileRecordError, type FileRecord } from './file/file-record.ts';
import { readJsonLines } from './file/json-lines.ts';
import { SOURCE_NAME } from './generator-source.ts';

/**
 * Options of a {@link FileSource}.
 *
 * @example
 * ```ts
 * const opts: FileSourceOptions<Order> = { path: 'data/orders.csv', key: 'customer_id', csv: { cast: true } };
 * ```
 */
export interface FileSourceOptions<V, K = string> {
  /** The file: JSON lines (`.jsonl`, `.ndjson`) or CSV (`.csv`). */
  path: string;
  /** Default: from the extension. */
  format?: 'jsonl' | 'csv';
  /** The source's identity (its default topic, the key of its position); default `file-<file name>`. */
  name?: string;
  /** The message key: a field of the value, or a function of it; default none. */
  key?: (keyof V & string) | ((value: V) => K | null);
  /** The message timestamp (epoch ms) from the value; default: when it is produced. */
  timestamp?: (value: V) => number;
  /**
   * Turns a parsed line (JSON) or row (an object by column) into the value; throw to reject it
   * (the source stops, naming the line). Default: the parsed line or row as it is.
   */
  parse?: (record: any) => V;
  /** Continue after the last delivered line on the next run (default true); false reads the whole file every run. */
  resume?: boolean;
  csv?: CsvOptions;
}

/** Where a file source is, as stored between runs. */
export interface FilePosition {
  /** Bytes delivered: the next read starts here. */
  bytes: number;
  /** The line the next read starts on (1-based). */
  line: number;
  /** Records delivered. */
  records: number;
  /** The CSV header, needed to read on from the middle. */
  columns?: string[];
  /**
   * SHA-256 (hex) of the first `fingerprintBytes` delivered bytes (at most 1 KiB): tells the same
   * file, grown or fixed after the delivered part, from another file under the same name.
   */
  fingerprint: string;
  fingerprintBytes: number;
}

const FINGERPRINT_BYTES = 1024;

const schema = z.strictObject({
  path: z.string().min(1),
  format: z.enum(['jsonl', 'csv']).optional(),
  name: SOURCE_NAME.optional(),
  key: z.union([z.string().min(1), z.custom<(v: unknown) => unknown>((v) => typeof v === 'function')], { message: 'must be a field name or a function (value) => key' }).optional(),
  timestamp: z.custom<(v: unknown) => number>((v) => typeof v === 'function', { message: 'must be a function (value) => epoch ms' }).optional(),
  parse: z.custom<(v: unknown) => unknown>((v) => typeof v === 'function', { message: 'must be a function (record) => value' }).optional(),
  resume: z.boolean().optional(),
  csv: z
    .strictObject({
      delimiter: z.string().min(1).optional(),
      columns: z.array(z.string().min(1)).min(1).optional(),
      cast: z.boolean().optional(),
    })
    .optional(),
});

function formatOf(path: string): 'jsonl' | 'csv' | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return undefined;
}

/**
 * A source that produces the records of a JSON-lines or CSV file (CSV read with csv-parse), one
 * message per line or row, and then finishes. It resumes: its position (bytes and lines
 * delivered, the CSV header, a fingerprint of the file's start) is stored as the checkpoint
 * contract of {@link SourceContext} says, so a run after a crash or Ctrl-C starts after the last
 * delivered line, and a run after lines were appended produces only the new ones. A file that
 * was replaced (its first bytes differ) or truncated is read from the start again. A line that
 * is not valid JSON or CSV, or that `parse` rejects, stops the source with a SourceError naming
 * the file and line; the lines before it are delivered and the next run starts at it.
 *
 * @example
 * ```ts
 * interface Order { order_id: number; customer_id: string; amount: number }
 * const orders = app.topic<Order>('orders', { config: { numPartitions: 3 } });
 * app.addSource(new FileSource<Order>({ path: 'data/orders.csv', key: 'customer_id', csv: { cast: true } }), orders);
 * await app.run(); // produces the rows not produced before, then returns
 * ```
 */
export class FileSource<V = Record<string, unknown>, K = string> implements Source<V, K, FilePosition> {
  readonly name: string;
  readonly resumable: boolean;
  private readonly options: Readonly<FileSourceOptions<V, K>>;
  private readonly format: 'jsonl' | 'csv';

  constructor(options: FileSourceOptions<V, K>) {
    const parsed = schema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      if (issue.code === 'unrecognized_keys') throw new ConfigError(`unknown FileSource option '${issue.keys[0]}'; known options: ${Object.keys(schema.shape).join(', ')}`);
      throw new ConfigError(`FileSource option '${issue.path.join('.')}' is invalid: ${issue.message}`);
    }
    const format = options.format ?? formatOf(options.path);
    if (!format) throw new ConfigError(`FileSource cannot tell the format of '${options.path}' from its extension; pass format: 'jsonl' or 'csv'`);
    this.format = format;
    this.options = Object.freeze({ ...options });
    this.name = options.name ?? `file-${basename(options.path).replace(/[^a-zA-Z0-9._-]/g, '_')}`.slice(0, 200);
    this.resumable = options.resume ?? true;
  }

  async run(ctx: SourceContext<V, K, FilePosition>): Promise<void> {
    const path = resolve(this.options.path);
    const size = await stat(path).then(
      (s) => s.size,
      (e: NodeJS.ErrnoException) => {
        throw new SourceError(`file source '${this.name}' cannot read ${path}: ${e.code ?? e.message}; check the path (relative paths start at ${process.cwd()})`, { cause: e });
      },
    );
    const head = await readHead(path, Math.min(FINGERPRINT_BYTES, size));
    const fingerprintOf = memoFingerprint(head);
    let position = this.startingPosition(ctx, path, size, head);
    if (position.bytes >= size) {
      ctx.progress(size, size, 'bytes');
      return;
    }
    const key = this.options.key;
    const keyOf = typeof key === 'function' ? key : key === undefined ? undefined : (v: V) => (v as Record<string, unknown>)[key] as K;
    const parse = this.options.parse;
    const timestamp = this.options.timestamp;
    const batches =
      this.format === 'jsonl'
        ? readJsonLines(path, { start: position.bytes, line: position.line })
        : readCsv(path, { start: position.bytes, line: position.line, ...(position.columns ? { columns: position.columns } : {}) }, this.options.csv ?? {}, (columns) => (position = { ...position, columns }));
    let record: FileRecord | undefined;
    try {
      for await (const batch of batches) {
        let mustDrain = false;
        for (record of batch) {
          const value = parse ? parse(record.value) : (record.value as V);
          mustDrain = !ctx.produce({ key: keyOf ? keyOf(value) : null, value, ...(timestamp ? { timestamp: timestamp(value) } : {}) }) || mustDrain;
          const fingerprintBytes = Math.min(head.length, record.end);
          position = { ...position, bytes: record.end, line: record.line + 1, records: position.records + 1, fingerprintBytes, fingerprint: fingerprintOf(fingerprintBytes) };
          ctx.setPosition(position);
        }
        record = undefined;
        ctx.progress(position.bytes, size, 'bytes');
        if (mustDrain) await ctx.drain();
        if (ctx.signal.aborted) return;
      }
    } catch (e) {
      const line = e instanceof FileRecordError ? e.line : record?.line;
      const reason = e instanceof FileRecordError ? e.reason : `rejected by parse: ${(e as Error).message}`;
      if (line === undefined) throw new SourceError(`file source '${this.name}' failed reading ${path}: ${(e as Error).message}`, { cause: e });
      throw new SourceError(
        `file source '${this.name}': ${path} line ${line}: ${reason}. Fix or remove that line and run again: ` +
          `the ${position.records} record(s) before it were delivered${this.resumable ? ` and the source resumes after them (line ${position.line})` : ''}.`,
        { cause: e },
      );
    }
  }

  /** The stored position if it still describes this file (`head` = its first bytes), else the start of the file. */
  private startingPosition(ctx: SourceContext<V, K, FilePosition>, path: string, size: number, head: Buffer): FilePosition {
    const fresh: FilePosition = { bytes: 0, line: 1, records: 0, fingerprint: sha256(head.subarray(0, 0)), fingerprintBytes: 0 };
    const stored = ctx.position;
    if (!this.resumable || stored === undefined) return fresh;
    const same = stored.bytes <= size && stored.fingerprintBytes <= head.length && sha256(head.subarray(0, stored.fingerprintBytes)) === stored.fingerprint;
    if (!same) {
      ctx.logger.warn({ source: this.name, path, stored }, `${path} is not the file the stored position of source '${this.name}' describes (replaced or truncated); reading it from the start`);
      return fresh;
    }
    if (stored.bytes < size) ctx.logger.info({ source: this.name, path, line: stored.line, records: stored.records }, `resuming ${path} at line ${stored.line}`);
    return stored;
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The fingerprint of the first n bytes of `head`, computed again only when n changes (it stops growing at 1 KiB). */
function memoFingerprint(head: Buffer): (n: number) => string {
  let last = -1;
  let hash = '';
  return (n) => {
    if (n !== last) {
      last = n;
      hash = sha256(head.subarray(0, n));
    }
    return hash;
  };
}

/** The first `bytes` bytes of the file. */
async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

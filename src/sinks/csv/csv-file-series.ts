import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Logger } from 'pino';
import { SluiceError } from '../../errors.ts';
import { completeCsvLength } from './complete-csv-length.ts';
import { columnsOf, csvText } from './csv-text.ts';

/**
 * Options of a {@link CsvFileSeries}.
 *
 * @example
 * ```ts
 * const options: CsvFileSeriesOptions = { dir: 'output_data', base: 'orders', maxFileBytes: 64 << 20, header: true, logger };
 * ```
 */
export interface CsvFileSeriesOptions {
  dir: string;
  /** Files are `<base>.csv`, then `<base>.1.csv`, `<base>.2.csv`, ... */
  base: string;
  /** Start the next file before a write would take the current one past this size; 0 = never. */
  maxFileBytes: number;
  header: boolean;
  delimiter?: string;
  /** Fixed columns; default the header of the file being appended to, else the first row's fields. */
  columns?: readonly string[];
  logger: Logger;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The CSV files one sink writes for a topic (or a topic-partition): appends batches to the newest
 * file, fsyncs each, and starts a new file when one reaches `maxFileBytes`. Appending across
 * restarts is safe: the newest file is reopened, a torn last record (a process killed mid-write)
 * is cut off, and its header is reused rather than written again.
 *
 * @example
 * ```ts
 * const series = new CsvFileSeries({ dir: 'out', base: 'orders', maxFileBytes: 0, header: true, logger });
 * await series.append([{ id: 1, amount: 9.5 }]);
 * await series.close();
 * ```
 */
export class CsvFileSeries {
  /** The columns written (known after the first append). */
  columns: readonly string[] | undefined;
  private handle: FileHandle | undefined;
  private path = '';
  private seq = 0;
  private size = 0;
  private headerBytes = 0;

  constructor(private readonly o: CsvFileSeriesOptions) {
    this.columns = o.columns;
  }

  /** The file being written. */
  get currentPath(): string {
    return this.path;
  }

  /** Appends `values` as CSV rows (durable when it resolves); returns the bytes written. */
  async append(values: readonly unknown[]): Promise<number> {
    if (!this.handle) await this.openNewest();
    this.columns ??= columnsOf(values[0]);
    const rows = Buffer.from(csvText(values, { columns: this.columns, delimiter: this.o.delimiter }));
    if (this.o.maxFileBytes > 0 && this.size > this.headerBytes && this.size + rows.length > this.o.maxFileBytes) await this.roll();
    let data = rows;
    if (this.size === 0 && this.o.header) {
      const header = Buffer.from(csvText([], { columns: this.columns, delimiter: this.o.delimiter, header: true }));
      this.headerBytes = header.length;
      data = Buffer.concat([header, rows]);
    }
    const before = this.size;
    try {
      await this.handle!.appendFile(data);
      await this.handle!.datasync();
    } catch (e) {
      // leave no partial batch behind: the retry writes it whole
      await this.handle!.truncate(before).catch(() => undefined);
      throw e;
    }
    this.size += data.length;
    return data.length;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private async openNewest(): Promise<void> {
    const pattern = new RegExp(`^${escape(this.o.base)}(?:\\.(\\d+))?\\.csv$`);
    let newest = -1;
    for (const name of await readdir(this.o.dir)) {
      const m = pattern.exec(name);
      if (m) newest = Math.max(newest, m[1] === undefined ? 0 : Number(m[1]));
    }
    this.seq = Math.max(newest, 0);
    await this.openFile();
  }

  private async roll(): Promise<void> {
    await this.close();
    this.seq++;
    await this.openFile();
  }

  private async openFile(): Promise<void> {
    this.path = join(this.o.dir, this.seq === 0 ? `${this.o.base}.csv` : `${this.o.base}.${this.seq}.csv`);
    const handle = await open(this.path, 'a+');
    try {
      const { size } = await handle.stat();
      const complete = size === 0 ? 0 : await completeCsvLength(handle, size);
      if (complete < size) {
        await handle.truncate(complete);
        this.o.logger.warn({ file: this.path, removedBytes: size - complete }, 'removed a torn last record (an earlier run stopped mid-write); its rows are written again');
      }
      this.size = complete;
      this.headerBytes = 0;
      if (complete > 0 && this.o.header) await this.adoptHeader(handle);
    } catch (e) {
      await handle.close();
      throw e;
    }
    this.handle = handle;
  }

  /** Reads the header of a file being appended to: its columns are the ones to write. */
  private async adoptHeader(handle: FileHandle): Promise<void> {
    const buffer = Buffer.alloc(Math.min(this.size, 1 << 16));
    await handle.read(buffer, 0, buffer.length, 0);
    const end = buffer.indexOf(0x0a);
    const line = buffer.subarray(0, end < 0 ? buffer.length : end + 1).toString();
    const [header] = parse(line, { delimiter: this.o.delimiter ?? ',' }) as string[][];
    this.headerBytes = Buffer.byteLength(line);
    if (this.columns && header.join('\u0000') !== this.columns.join('\u0000')) {
      throw new SluiceError(
        `${this.path} has the columns ${header.join(',')} but this sink writes ${this.columns.join(',')}; move the file away (or write to another dir) to start a new one`,
        { retriable: false },
      );
    }
    this.columns = header;
  }
}

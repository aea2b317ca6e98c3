import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { BATCHING_SINK_OPTIONS, BatchingSink, parseSinkOptions, type BatchingSinkOptions, type SinkBatch, type WriteOutcome } from './base/batching-sink.ts';
import { CsvFileSeries } from './csv/csv-file-series.ts';

/**
 * Options of a {@link CsvSink}.
 *
 * @example
 * ```ts
 * const options: CsvSinkOptions = { name: 'orders-csv', dir: 'output_data', perPartition: true, maxFileBytes: 16 * 1024 * 1024 };
 * ```
 */
export interface CsvSinkOptions extends BatchingSinkOptions {
  /** Where the files go (created if missing). */
  dir: string;
  /** One file series per topic-partition (`<topic>-<partition>.csv`) instead of per topic (`<topic>.csv`); default false. */
  perPartition?: boolean;
  /** The files' name instead of the topic's: `<fileName>.csv` (or `<fileName>-<partition>.csv`) for rows of every topic. */
  fileName?: string;
  /** Fixed columns, in order; default the header of the file appended to, else the first row's fields. */
  columns?: string[];
  /** Write a header row at the top of each file; default true. */
  header?: boolean;
  /** Field delimiter; default `,`. */
  delimiter?: string;
  /** Start the next file (`<base>.1.csv`, `<base>.2.csv`, ...) before one would grow past this; default 64 MiB, 0 = never. */
  maxFileBytes?: number;
}

const schema = z.strictObject({
  ...BATCHING_SINK_OPTIONS,
  dir: z.string().min(1),
  perPartition: z.boolean().optional(),
  fileName: z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'must be 1-200 letters, digits, ".", "_" or "-"').optional(),
  columns: z.array(z.string().min(1)).min(1).optional(),
  header: z.boolean().optional(),
  delimiter: z.string().length(1).refine((d) => d !== '"' && d !== '\n' && d !== '\r', 'must not be a quote or a newline').optional(),
  maxFileBytes: z.number().int().nonnegative().optional(),
});

/**
 * Writes rows to CSV files (with csv-stringify): one file per topic, or per topic-partition, with
 * a header row, rolled by size. Each checkpoint appends the rows of each partition and fsyncs the
 * file before the offsets are committed. Appending across restarts is safe: the newest file is
 * reopened, its header kept (not written twice) and a torn last record — from a process killed
 * mid-write — is cut off (those rows are written again, their offsets were not committed).
 *
 * Object values become one column per field (nested objects as JSON); other values fill the
 * column `value`. Delivery is at-least-once: rows written just before a crash, whose offsets were
 * not committed yet, appear twice.
 *
 * @example
 * ```ts
 * const orders = app.topic<Order>('orders');
 * app.dataframe(orders).select('order_id', 'product', 'amount').sink(new CsvSink({ name: 'orders-csv', dir: 'output_data' }));
 * // output_data/orders.csv: order_id,product,amount\n1001,keyboard,49.9\n...
 * ```
 */
export class CsvSink<T = unknown> extends BatchingSink<T> {
  private readonly options: z.infer<typeof schema>;
  private readonly series = new Map<string, CsvFileSeries>();

  constructor(options: CsvSinkOptions) {
    super(options);
    this.options = parseSinkOptions('CsvSink', schema, options);
  }

  /** The directory the files are in. */
  get dir(): string {
    return resolve(this.options.dir);
  }

  protected override async setup(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
  }

  protected override async teardown(): Promise<void> {
    for (const s of this.series.values()) await s.close().catch(() => undefined);
    this.series.clear();
  }

  protected async write(batch: SinkBatch<T>): Promise<WriteOutcome> {
    const name = this.options.fileName ?? batch.topic;
    const base = this.options.perPartition ? `${name}-${batch.partition}` : name;
    let series = this.series.get(base);
    if (!series) {
      const o = this.options;
      series = new CsvFileSeries({
        dir: o.dir,
        base,
        maxFileBytes: o.maxFileBytes ?? 64 * 1024 * 1024,
        header: o.header ?? true,
        logger: this.logger,
        ...(o.delimiter ? { delimiter: o.delimiter } : {}),
        ...(o.columns ? { columns: o.columns } : {}),
      });
      this.series.set(base, series);
    }
    const values = batch.rows.map((r) => r.value);
    return { bytes: await series.append(values) };
  }

  protected override describeFailure(error: unknown): string {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') return `The disk of ${this.dir} is full: free space, then restart.`;
    if (code === 'EACCES' || code === 'EPERM') return `This process may not write to ${this.dir}: fix its permissions, then restart.`;
    return `Check that ${this.dir} is writable, then restart.`;
  }
}

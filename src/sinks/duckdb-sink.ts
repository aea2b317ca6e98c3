import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { SluiceError } from '../errors.ts';
import { BATCHING_SINK_OPTIONS, BatchingSink, parseSinkOptions, type BatchingSinkOptions, type SinkBatch, type WriteOutcome } from './base/batching-sink.ts';
import type { MessageContext } from '../topics/message-context.ts';
import { appendColumn, DUCKDB_COLUMN_TYPES, type DuckDbColumnType } from './duckdb/duckdb-column.ts';
import { IDENTIFIER, RowContentError, valueAsRow, where, type ToRow } from './table/table-spec.ts';

/**
 * Options of a {@link DuckDbSink}.
 *
 * @example
 * ```ts
 * const options: DuckDbSinkOptions<PageMinute> = {
 *   name: 'page-minutes',
 *   database: 'warehouse.duckdb',
 *   table: 'page_minutes',
 *   columns: { page: 'VARCHAR', window_start: 'TIMESTAMP', views: 'BIGINT' },
 *   key: ['page', 'window_start'],
 * };
 * ```
 */
export interface DuckDbSinkOptions<T> extends BatchingSinkOptions {
  /** The database file (created when missing), or `:memory:`. Sinks naming the same file share it. */
  database: string;
  /** The table; created from `columns` when it does not exist. */
  table: string;
  /** Column name → type, in table order. An existing table must have these columns. */
  columns: Readonly<Record<string, DuckDbColumnType>>;
  /**
   * Upsert on these columns: a created table gets them as its primary key, and a row replaces the
   * one with the same key (`INSERT OR REPLACE`), so a batch written again changes nothing. Default:
   * every row is appended.
   */
  key?: readonly string[];
  /** Turns a value into a row (column → value); default: the value's fields by column name. */
  toRow?: ToRow<T>;
}

const schema = z.strictObject({
  ...BATCHING_SINK_OPTIONS,
  database: z.string().min(1),
  table: IDENTIFIER,
  columns: z.record(IDENTIFIER, z.enum(DUCKDB_COLUMN_TYPES as [DuckDbColumnType, ...DuckDbColumnType[]])).refine((c) => Object.keys(c).length > 0, 'needs at least one column'),
  key: z.array(IDENTIFIER).min(1).optional(),
  toRow: z.custom<ToRow<unknown>>((v) => typeof v === 'function', { message: 'must be a function (value, ctx) => row' }).optional(),
});

const quote = (identifier: string): string => `"${identifier}"`;

/**
 * Writes rows into a table of a DuckDB database file: the embedded local warehouse, nothing to
 * install or run beside the app. Each checkpoint writes a partition's rows in one transaction
 * (through DuckDB's appender into a staging table, then one `INSERT`), so a batch is in the table
 * whole or not at all. With `key`, rows are upserted (the latest value per key wins), which makes
 * a batch replayed after a failure or restart change nothing: aggregates stay exact.
 *
 * The table is created from `columns` when it does not exist. The file is locked by the process
 * that writes it; read it from the same process with `DuckDBInstance.fromCache(database)`, or from
 * another once the app has stopped (e.g. the `duckdb` CLI).
 *
 * @example
 * ```ts
 * const events = new DuckDbSink<ClickEvent>({
 *   name: 'events',
 *   database: 'warehouse.duckdb',
 *   table: 'click_events',
 *   columns: { event_id: 'VARCHAR', page: 'VARCHAR', timestamp: 'TIMESTAMP' },
 *   key: ['event_id'],
 * });
 * app.dataframe(clicks).sink(events);
 * await app.run();
 * ```
 */
export class DuckDbSink<T = unknown> extends BatchingSink<T> {
  private readonly options: Readonly<DuckDbSinkOptions<T>>;
  private readonly columns: readonly (readonly [string, DuckDbColumnType])[];
  /** Held while the connection is open: a cached instance collected under its connection hangs the next `fromCache`. */
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;
  private appender: DuckDBAppender | undefined;
  private readonly stage: string;

  constructor(options: DuckDbSinkOptions<T>) {
    const o = parseSinkOptions('DuckDbSink', schema, options) as DuckDbSinkOptions<T>;
    super(o);
    const unknownKey = o.key?.find((k) => !(k in o.columns));
    if (unknownKey) throw new SluiceError(`DuckDbSink '${o.name}': key column '${unknownKey}' is not one of columns (${Object.keys(o.columns).join(', ')})`);
    this.options = Object.freeze({ ...o });
    this.columns = Object.entries(o.columns);
    this.stage = `sluice_stage_${o.table}`;
  }

  protected override async setup(): Promise<void> {
    const { database, table, key } = this.options;
    let instance: DuckDBInstance;
    let connection: DuckDBConnection;
    try {
      // one DuckDB instance per file and process: sinks of one file share it
      instance = await DuckDBInstance.fromCache(database);
      connection = await instance.connect();
    } catch (e) {
      throw new SluiceError(`DuckDbSink '${this.name}' could not open the database ${database}: ${(e as Error).message}. If another process has it open (a running app, the duckdb CLI), stop that process or pick another file.`, { cause: e });
    }
    try {
      const columnsSql = this.columns.map(([name, type]) => `${quote(name)} ${type}`).join(', ');
      await connection.run(`CREATE TABLE IF NOT EXISTS ${quote(table)} (${columnsSql}${key ? `, PRIMARY KEY (${key.map(quote).join(', ')})` : ''})`);
      await this.checkColumns(connection);
      const names = this.columns.map(([name]) => quote(name)).join(', ');
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${quote(this.stage)} AS SELECT ${names} FROM ${quote(table)} LIMIT 0`);
      this.appender = await connection.createAppender(this.stage, null, 'temp');
      this.instance = instance;
      this.connection = connection;
    } catch (e) {
      connection.closeSync();
      throw e instanceof SluiceError ? e : new SluiceError(`DuckDbSink '${this.name}' could not prepare table ${table} in ${database}: ${(e as Error).message}`, { cause: e });
    }
  }

  protected override async teardown(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    this.appender?.closeSync();
    this.appender = undefined;
    try {
      await connection.run('CHECKPOINT'); // the file holds everything, the write-ahead log is empty
    } catch (e) {
      this.logger.warn({ err: e }, 'DuckDB checkpoint on close failed; the next open replays the write-ahead log');
    }
    connection.closeSync();
    this.instance = undefined;
  }

  protected override describeFailure(): string {
    return `Check that ${this.options.database} is writable and its disk has room.`;
  }

  protected async write(batch: SinkBatch<T>): Promise<WriteOutcome> {
    const connection = this.connection;
    const appender = this.appender;
    if (!connection || !appender) throw new SluiceError(`DuckDbSink '${this.name}' is not open: the app opens its sinks before the first row`);
    const rows = batch.rows.map((row) => ({ ctx: row.ctx, values: this.options.toRow ? this.options.toRow(row.value, row.ctx) : valueAsRow(row.value, row.ctx) }));
    const { table, key } = this.options;
    const names = this.columns.map(([name]) => quote(name)).join(', ');
    await connection.run('BEGIN TRANSACTION');
    try {
      for (const row of key ? latestPerKey(rows, key) : rows) this.append(appender, row);
      appender.flushSync();
      await connection.run(`INSERT ${key ? 'OR REPLACE ' : ''}INTO ${quote(table)} (${names}) SELECT ${names} FROM ${quote(this.stage)}`);
      await connection.run(`DELETE FROM ${quote(this.stage)}`);
      await connection.run('COMMIT');
    } catch (e) {
      appender.clear();
      await connection.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
    return {};
  }

  private append(appender: DuckDBAppender, { ctx, values }: TableRow): void {
    for (const [name, type] of this.columns) {
      const expected = appendColumn(appender, type, values[name]);
      if (expected !== undefined) {
        throw new RowContentError(`DuckDbSink '${this.name}': column '${name}' (${type}) of the row from ${where(ctx)} must be ${expected}, got ${JSON.stringify(values[name])}`);
      }
    }
    appender.endRow();
  }

  /** An existing table must have every configured column (it may have more). */
  private async checkColumns(connection: DuckDBConnection): Promise<void> {
    const result = await connection.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = $table AND table_schema = 'main'`, { table: this.options.table });
    const present = new Set(result.getRows().map(([name]) => String(name)));
    const missing = this.columns.map(([name]) => name).filter((name) => !present.has(name));
    if (missing.length > 0) {
      throw new SluiceError(
        `DuckDbSink '${this.name}': table ${this.options.table} in ${this.options.database} exists without column(s) ${missing.join(', ')}. ` +
          `Add them (ALTER TABLE ${this.options.table} ADD COLUMN ...), drop the table so the sink creates it, or name another table.`,
      );
    }
  }
}

interface TableRow {
  readonly ctx: MessageContext;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The last row of each key, in the order of those last rows (INSERT OR REPLACE takes one row per key). */
function latestPerKey(rows: readonly TableRow[], key: readonly string[]): TableRow[] {
  const latest = new Map<string, TableRow>();
  for (const row of rows) {
    const id = JSON.stringify(key.map((k) => row.values[k] ?? null));
    latest.delete(id);
    latest.set(id, row);
  }
  return [...latest.values()];
}

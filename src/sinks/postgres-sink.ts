import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { z } from 'zod';
import { ConfigError, SluiceError } from '../errors.ts';
import { BATCHING_SINK_OPTIONS, BatchingSink, parseSinkOptions, type BatchingSinkOptions, type SinkBatch, type WriteOutcome } from './base/batching-sink.ts';
import type { SinkRow } from './base/sink.ts';
import { SinkError } from './base/sink-error.ts';
import { csvText } from './csv/csv-text.ts';
import { pgFailure } from './postgres/pg-failure.ts';
import { columnTypeOf, createTableSql, quoteIdent, quoteTable, TABLE_NAME, upsertSql } from './postgres/pg-sql.ts';

/**
 * Options of a {@link PostgresSink}.
 *
 * @example
 * ```ts
 * const options: PostgresSinkOptions = {
 *   name: 'product-totals', table: 'product_totals', upsertKey: 'product', createTable: true,
 *   columns: { product: 'text', orders: 'bigint', revenue: 'numeric(14,2)' },
 * };
 * ```
 */
export interface PostgresSinkOptions extends BatchingSinkOptions {
  /** The table: `name` or `schema.name` (letters, digits, `_`). */
  table: string;
  /** `postgresql://user:password@host:port/database`; default the `DATABASE_URL` environment variable. */
  connectionString?: string;
  /**
   * The columns to write (each row's fields of those names), with their SQL types for `createTable`.
   * Default: every column the table has; with `createTable` and no table, the fields of the first row.
   */
  columns?: Record<string, string>;
  /** Create the table (`CREATE TABLE IF NOT EXISTS`) from `columns`, or from the first row's values; default false. */
  createTable?: boolean;
  /**
   * Upsert on these columns (`INSERT ... ON CONFLICT (key) DO UPDATE`): a row replaces the one with
   * its key, so a row written twice has its effect once (for aggregates). The table needs a primary
   * key or unique index on them (`createTable` makes it the primary key). Default: plain COPY.
   */
  upsertKey?: string | string[];
  /** Most connections the sink opens at once; default 2. */
  poolSize?: number;
}

const IDENT = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a column name (letters, digits, _)');

const schema = z.strictObject({
  ...BATCHING_SINK_OPTIONS,
  table: z.string().regex(TABLE_NAME, 'must be "table" or "schema.table" (letters, digits, _)'),
  connectionString: z.string().min(1).optional(),
  columns: z.record(IDENT, z.string().min(1)).refine((c) => Object.keys(c).length > 0, 'must name at least one column').optional(),
  createTable: z.boolean().optional(),
  upsertKey: z.union([IDENT, z.array(IDENT).min(1)]).optional(),
  poolSize: z.number().int().min(1).max(100).optional(),
});

/** The staging table of an upsert batch: per session, dropped at commit. */
const STAGE = 'pg_temp.sluice_upsert_stage';

/**
 * Writes rows to a PostgreSQL table (with `pg` and `pg-copy-streams`): each checkpoint sends a
 * partition's rows in one `COPY ... FROM STDIN` (all or nothing), or — with `upsertKey` — COPYs
 * them into a temporary table and upserts them (`INSERT ... ON CONFLICT DO UPDATE`, the last row
 * of a key in the batch wins), in one transaction. The table must exist unless `createTable` is
 * set; it is checked when the app starts.
 *
 * A server that is down or restarting is retried (`attempts`, with backoff); then the app stops
 * with a SinkError naming the sink and the server, without committing the batch, and a restart
 * writes it. A missing table or column, a refused login, or a row that does not fit (a type or
 * constraint error, named by its offset) fail at once.
 *
 * Delivery is at-least-once: a COPY table may get a row twice (written just before a crash whose
 * offsets were not committed); an upsert table holds each key's latest row once.
 *
 * @example
 * ```ts
 * // DATABASE_URL=postgresql://sluice@127.0.0.1:5433/sluice
 * orders.sink(new PostgresSink({ name: 'orders-db', table: 'orders', createTable: true,
 *   columns: { order_id: 'bigint', product: 'text', quantity: 'int', amount: 'numeric(12,2)' } }));
 * totals.sink(new PostgresSink({ name: 'totals-db', table: 'product_totals', upsertKey: 'product', createTable: true,
 *   columns: { product: 'text', orders: 'bigint', revenue: 'numeric(14,2)' } }));
 * ```
 */
export class PostgresSink<T = unknown> extends BatchingSink<T> {
  private readonly options: z.infer<typeof schema>;
  private readonly key: readonly string[] | undefined;
  private readonly connectionString: string;
  private pool: pg.Pool | undefined;
  /** The columns written, once known (from the options, the table, or the first row). */
  private columns: string[] | undefined;

  constructor(options: PostgresSinkOptions) {
    super(options);
    this.options = parseSinkOptions('PostgresSink', schema, options);
    const url = this.options.connectionString ?? process.env.DATABASE_URL;
    if (!url) throw new ConfigError(`PostgresSink '${this.options.name}' needs a database: pass connectionString or set DATABASE_URL (e.g. postgresql://user:password@localhost:5432/db)`);
    this.connectionString = url;
    const key = this.options.upsertKey;
    this.key = key === undefined ? undefined : Array.isArray(key) ? key : [key];
    if (this.key && this.options.columns) {
      const missing = this.key.filter((k) => !(k in this.options.columns!));
      if (missing.length) throw new ConfigError(`PostgresSink '${this.options.name}': upsertKey ${missing.join(', ')} is not among its columns (${Object.keys(this.options.columns).join(', ')})`);
    }
  }

  /** Where the sink writes, for messages: `host:port/database` (no password). */
  get where(): string {
    try {
      const u = new URL(this.connectionString);
      return `${u.hostname}:${u.port || 5432}${u.pathname}`;
    } catch {
      return 'the server DATABASE_URL names';
    }
  }

  protected override async setup(): Promise<void> {
    const pool = new pg.Pool({ connectionString: this.connectionString, max: this.options.poolSize ?? 2, connectionTimeoutMillis: 10_000 });
    // a connection that breaks while idle (the server restarted) is dropped; the next write reconnects
    pool.on('error', (e) => this.logger.warn({ err: e }, 'an idle PostgreSQL connection failed'));
    this.pool = pool;
    const existing = await this.withRetries(`read the columns of table ${this.options.table} at ${this.where}`, () => this.existingColumns());
    const wanted = this.options.columns;
    if (existing.length === 0) {
      if (!this.options.createTable) {
        throw new SinkError(this.options.name, `sink '${this.options.name}': table ${this.options.table} does not exist at ${this.where}. Create it, or pass createTable: true (with columns, or the first row's fields are used).`);
      }
      if (wanted) await this.createTable(wanted);
      return;
    }
    if (wanted) {
      const missing = Object.keys(wanted).filter((c) => !existing.includes(c));
      if (missing.length) {
        throw new SinkError(
          this.options.name,
          `sink '${this.options.name}': table ${this.options.table} at ${this.where} has no column ${missing.join(', ')} (it has ${existing.join(', ')}). Add the columns (ALTER TABLE), or drop them from the columns option.`,
        );
      }
      this.columns = Object.keys(wanted);
    } else {
      this.columns = existing;
    }
  }

  protected override async teardown(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  protected async write(batch: SinkBatch<T>): Promise<WriteOutcome> {
    if (!this.columns) await this.createTable(Object.fromEntries(Object.entries(batch.rows[0].value as object).map(([k, v]) => [k, columnTypeOf(v)])));
    const rows = this.key ? this.lastPerKey(batch.rows) : batch.rows;
    const text = csvText(
      rows.map((r) => r.value),
      { columns: this.columns! },
    );
    const client = await this.pool!.connect().catch((e: unknown) => {
      throw this.failure(e, batch.rows);
    });
    let broken: Error | undefined;
    try {
      const cols = this.columns!.map(quoteIdent).join(', ');
      if (!this.key) {
        await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${quoteTable(this.options.table)} (${cols}) FROM STDIN WITH (FORMAT csv)`)));
      } else {
        await client.query('BEGIN');
        try {
          await client.query(`CREATE TEMP TABLE IF NOT EXISTS sluice_upsert_stage (LIKE ${quoteTable(this.options.table)} INCLUDING DEFAULTS) ON COMMIT DROP`);
          await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${STAGE} (${cols}) FROM STDIN WITH (FORMAT csv)`)));
          await client.query(upsertSql(this.options.table, STAGE, this.columns!, this.key));
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }
    } catch (e) {
      broken = e as Error;
      throw this.failure(e, rows);
    } finally {
      // a connection that failed is closed rather than reused
      client.release(broken && pgFailure(broken, this.about()).retriable ? broken : undefined);
    }
    return { bytes: Buffer.byteLength(text) };
  }

  protected override describeFailure(error: unknown): string {
    return pgFailure(error instanceof SluiceError && error.cause ? error.cause : error, this.about()).hint;
  }

  private about(): { table: string; where: string; key?: readonly string[] } {
    return { table: this.options.table, where: this.where, ...(this.key ? { key: this.key } : {}) };
  }

  /** A pg error as the base class retries it: not retriable ones as SluiceError(retriable false), naming the row for content errors. */
  private failure(error: unknown, rows: readonly SinkRow<T>[]): Error {
    const { retriable } = pgFailure(error, this.about());
    if (retriable) return error as Error;
    const line = /line (\d+)/.exec(String((error as { where?: string }).where ?? ''))?.[1];
    const row = line === undefined ? undefined : rows[Number(line) - 1];
    const at = row ? ` (the row of offset ${row.ctx.offset})` : '';
    return new SluiceError(`${(error as Error).message}${at}`, { cause: error, retriable: false });
  }

  /** The last row of each key in the batch (an upsert touches a key once per statement). */
  private lastPerKey(rows: readonly SinkRow<T>[]): SinkRow<T>[] {
    const byKey = new Map<string, SinkRow<T>>();
    for (const row of rows) {
      const v = row.value as Record<string, unknown>;
      const id = JSON.stringify(this.key!.map((k) => v?.[k] ?? null));
      byKey.delete(id); // keep the order of last appearance
      byKey.set(id, row);
    }
    return [...byKey.values()];
  }

  private async existingColumns(): Promise<string[]> {
    const [schemaName, table] = this.options.table.includes('.') ? this.options.table.split('.') : [null, this.options.table];
    const { rows } = await this.pool!.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = COALESCE($1, current_schema()) AND table_name = $2 ORDER BY ordinal_position`,
      [schemaName, table],
    );
    return rows.map((r) => r.column_name);
  }

  private async createTable(columns: Record<string, string>): Promise<void> {
    const sql = createTableSql(this.options.table, columns, this.key);
    await this.withRetries(`create table ${this.options.table} at ${this.where}`, async () => {
      try {
        await this.pool!.query(sql);
      } catch (e) {
        throw this.failure(e, []);
      }
    });
    this.logger.info({ table: this.options.table, columns }, 'created the table');
    this.columns = Object.keys(columns);
  }
}

import { BigQuery, type Table } from '@google-cloud/bigquery';
import { z } from 'zod';
import { SluiceError } from '../errors.ts';
import type { MessageContext } from '../topics/message-context.ts';
import { BATCHING_SINK_OPTIONS, BatchingSink, parseSinkOptions, type BatchingSinkOptions, type SinkBatch, type WriteOutcome } from './base/batching-sink.ts';
import { emulatorAuthClient } from './bigquery/emulator-auth-client.ts';
import { BIGQUERY_COLUMN_TYPES, BIGQUERY_TYPE_ALIASES, bigQueryValue, type BigQueryColumnType } from './bigquery/bigquery-column.ts';
import { IDENTIFIER, RowContentError, valueAsRow, where, type ToRow } from './table/table-spec.ts';

/**
 * Options of a {@link BigQuerySink}.
 *
 * @example
 * ```ts
 * const options: BigQuerySinkOptions<ClickEvent> = {
 *   name: 'click-events',
 *   projectId: 'demo',
 *   dataset: 'clickstream',
 *   table: 'click_events',
 *   columns: { event_id: 'STRING', page: 'STRING', timestamp: 'TIMESTAMP' },
 *   apiEndpoint: 'http://127.0.0.1:9050', // bqemulator
 *   credentials: 'none',
 * };
 * ```
 */
export interface BigQuerySinkOptions<T> extends BatchingSinkOptions {
  /** The Google Cloud project that holds the dataset. */
  projectId: string;
  /** The dataset; created when missing. */
  dataset: string;
  /** The table; created from `columns` when it does not exist. */
  table: string;
  /** Column name → type (all NULLABLE). An existing table must have these columns with these types. */
  columns: Readonly<Record<string, BigQueryColumnType>>;
  /** Another endpoint than BigQuery's, e.g. `http://127.0.0.1:9050` for bqemulator. */
  apiEndpoint?: string;
  /**
   * `application-default` (default): Google's Application Default Credentials
   * (`GOOGLE_APPLICATION_CREDENTIALS`, `gcloud auth application-default login`, the metadata
   * server). `none`: send a placeholder token and look for no credentials, for an emulator (the
   * client asks for credentials even with `apiEndpoint` set).
   */
  credentials?: 'application-default' | 'none';
  /** Where a created dataset lives, e.g. `US` or `EU`; default BigQuery's (US). */
  location?: string;
  /**
   * The insert id of a row, with which BigQuery drops a row sent twice within a few minutes (best
   * effort). Default: the message's `topic:partition:offset` (plus `:n` for a message's n-th row),
   * the same when a batch is written again.
   */
  insertId?: (value: T, ctx: MessageContext) => string;
  /** Turns a value into a row (column → value); default: the value's fields by column name. */
  toRow?: ToRow<T>;
  /** Rows per insertAll request (BigQuery advises at most 500); default 500. */
  maxRowsPerRequest?: number;
}

const schema = z.strictObject({
  ...BATCHING_SINK_OPTIONS,
  projectId: z.string().regex(/^[a-z][a-z0-9.:-]{0,127}$/, 'must be a project id: lower-case letters, digits and -'),
  dataset: IDENTIFIER,
  table: IDENTIFIER,
  columns: z.record(IDENTIFIER, z.enum(BIGQUERY_COLUMN_TYPES as [BigQueryColumnType, ...BigQueryColumnType[]])).refine((c) => Object.keys(c).length > 0, 'needs at least one column'),
  apiEndpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:9050' }).optional(),
  credentials: z.enum(['application-default', 'none']).optional(),
  location: z.string().min(1).optional(),
  insertId: z.custom<(value: unknown, ctx: MessageContext) => string>((v) => typeof v === 'function', { message: 'must be a function (value, ctx) => string' }).optional(),
  toRow: z.custom<ToRow<unknown>>((v) => typeof v === 'function', { message: 'must be a function (value, ctx) => row' }).optional(),
  maxRowsPerRequest: z.number().int().min(1).max(50_000).optional(),
});

interface InsertRow {
  insertId: string;
  json: Record<string, unknown>;
}

/**
 * Streams rows into a BigQuery table with `insertAll` (the streaming API): at each checkpoint a
 * partition's rows go out in requests of up to `maxRowsPerRequest`, each row with an insert id
 * derived from its message, so BigQuery can drop a row that a retried or replayed batch sends
 * again. That dropping is best effort (BigQuery keeps the ids for a few minutes; emulators may not
 * keep them at all): the sink is at-least-once, and a query that must count every row once
 * dedupes on a key column (e.g. `QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id) = 1`).
 *
 * The dataset and table are created from `columns` when missing. A request that fails (BigQuery
 * unreachable, 5xx) is retried with backoff, then the app stops naming the sink without committing
 * the batch; rows BigQuery refuses for their content stop it at once, naming the message.
 *
 * For an emulator such as bqemulator, set `apiEndpoint` and `credentials: 'none'`.
 *
 * @example
 * ```ts
 * const events = new BigQuerySink<ClickEvent>({
 *   name: 'click-events',
 *   projectId: 'my-project',
 *   dataset: 'clickstream',
 *   table: 'click_events',
 *   columns: { event_id: 'STRING', event_type: 'STRING', page: 'STRING', timestamp: 'TIMESTAMP' },
 * });
 * app.dataframe(clicks).sink(events);
 * await app.run();
 * ```
 */
export class BigQuerySink<T = unknown> extends BatchingSink<T> {
  private readonly options: Readonly<BigQuerySinkOptions<T>>;
  private readonly columns: readonly (readonly [string, BigQueryColumnType])[];
  private readonly client: BigQuery;
  private table: Table | undefined;

  constructor(options: BigQuerySinkOptions<T>) {
    const o = parseSinkOptions('BigQuerySink', schema, options) as BigQuerySinkOptions<T>;
    super(o);
    this.options = Object.freeze({ ...o });
    this.columns = Object.entries(o.columns);
    this.client = new BigQuery({
      projectId: o.projectId,
      ...(o.apiEndpoint ? { apiEndpoint: o.apiEndpoint } : {}),
      ...(o.location ? { location: o.location } : {}),
      ...(o.credentials === 'none' ? { authClient: emulatorAuthClient() } : {}),
      // the batching base retries with its own backoff and attempts
      retryOptions: { autoRetry: false },
    });
  }

  /** `project.dataset.table`, as errors and logs name it. */
  get tableName(): string {
    return `${this.options.projectId}.${this.options.dataset}.${this.options.table}`;
  }

  protected override async setup(): Promise<void> {
    const { dataset: datasetId, table: tableId } = this.options;
    try {
      const [dataset] = await this.client.dataset(datasetId).get({ autoCreate: true });
      const table = dataset.table(tableId);
      const [exists] = await table.exists();
      if (exists) {
        const [metadata] = await table.getMetadata();
        this.checkColumns((metadata.schema?.fields ?? []) as { name: string; type: string }[]);
      } else {
        await dataset.createTable(tableId, { schema: { fields: this.columns.map(([name, type]) => ({ name, type, mode: 'NULLABLE' })) } }).catch((e: unknown) => {
          if (statusOf(e) !== 409) throw e; // created by another instance meanwhile
        });
      }
      this.table = table;
    } catch (e) {
      if (e instanceof SluiceError) throw e;
      throw new SluiceError(`BigQuerySink '${this.name}' could not prepare table ${this.tableName}: ${(e as Error).message}. ${this.describeFailure(e)}`, { cause: e, retriable: true });
    }
  }

  protected override describeFailure(error: unknown): string {
    const status = statusOf(error);
    if (status === 401 || status === 403) {
      return this.options.credentials === 'none'
        ? `BigQuery refused the placeholder credentials: credentials 'none' is for an emulator; for BigQuery use 'application-default'.`
        : 'Check the credentials (GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`) and that they may write to the dataset.';
    }
    if (status === 404) return `Check that dataset ${this.options.dataset} and table ${this.options.table} exist in project ${this.options.projectId} (the sink creates them when it starts).`;
    const endpoint = this.options.apiEndpoint ?? 'https://bigquery.googleapis.com';
    const emulator = this.options.apiEndpoint ? ' (bqemulator: scripts/bigquery/bqemulator.sh status / start)' : '';
    return `Check that BigQuery at ${endpoint} is reachable${emulator}.`;
  }

  protected async write(batch: SinkBatch<T>): Promise<WriteOutcome> {
    const table = this.table;
    if (!table) throw new SluiceError(`BigQuerySink '${this.name}' is not open: the app opens its sinks before the first row`);
    const rows = this.insertRows(batch);
    const size = this.options.maxRowsPerRequest ?? 500;
    let bytes = 0;
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size);
      try {
        await table.insert(chunk.map((r) => r.insert), { raw: true, partialRetries: 0 });
      } catch (e) {
        throw this.insertError(e, chunk);
      }
      for (const r of chunk) bytes += JSON.stringify(r.insert.json).length;
    }
    return { bytes };
  }

  /** The rows of a batch as insertAll rows, checked against the columns. */
  private insertRows(batch: SinkBatch<T>): { ctx: MessageContext; insert: InsertRow }[] {
    const { toRow, insertId } = this.options;
    let previous: { offset: number; n: number } = { offset: -1, n: 0 };
    return batch.rows.map(({ value, ctx }) => {
      const values = toRow ? toRow(value, ctx) : valueAsRow(value, ctx);
      const json: Record<string, unknown> = {};
      for (const [name, type] of this.columns) {
        const converted = bigQueryValue(type, values[name]);
        if ('expected' in converted) {
          throw new RowContentError(`BigQuerySink '${this.name}': column '${name}' (${type}) of the row from ${where(ctx)} must be ${converted.expected}, got ${JSON.stringify(values[name])}`);
        }
        json[name] = converted.value;
      }
      previous = previous.offset === ctx.offset ? { offset: ctx.offset, n: previous.n + 1 } : { offset: ctx.offset, n: 0 };
      const id = insertId ? insertId(value, ctx) : `${ctx.topic}:${ctx.partition}:${ctx.offset}${previous.n > 0 ? `:${previous.n}` : ''}`;
      return { ctx, insert: { insertId: id, json } };
    });
  }

  /** A failed insert as the error the batching base retries (or not). */
  private insertError(e: unknown, chunk: readonly { ctx: MessageContext; insert: InsertRow }[]): Error {
    if ((e as Error).name === 'PartialFailureError') {
      // BigQuery refused rows for their content: the whole request was rejected
      const failures = ((e as { errors?: { row?: InsertRow; errors?: { reason?: string; message?: string }[] }[] }).errors ?? []).filter((f) => f.errors?.some((x) => x.reason !== 'stopped'));
      const first = failures[0];
      const ctx = chunk.find((r) => r.insert.insertId === first?.row?.insertId)?.ctx;
      const reason = first?.errors?.find((x) => x.reason !== 'stopped');
      return new RowContentError(
        `BigQuerySink '${this.name}': BigQuery refused ${failures.length} row(s) of table ${this.tableName}` +
          `${ctx ? `, first the row from ${where(ctx)}` : ''}: ${reason?.message ?? (e as Error).message} (${reason?.reason ?? 'invalid'})`,
        { cause: e },
      );
    }
    const status = statusOf(e);
    if (status === 400 || status === 401 || status === 403 || status === 404) {
      return new SluiceError(`${(e as Error).message} (HTTP ${status})`, { cause: e, retriable: false });
    }
    return e as Error;
  }

  /** An existing table must have every column, of a matching type. */
  private checkColumns(fields: readonly { name: string; type: string }[]): void {
    const types = new Map(fields.map((f) => [f.name, f.type.toUpperCase()]));
    const wrong = this.columns.filter(([name, type]) => !BIGQUERY_TYPE_ALIASES[type].includes(types.get(name) ?? ''));
    if (wrong.length === 0) return;
    const described = wrong.map(([name, type]) => `${name} ${type} (${types.has(name) ? `is ${types.get(name)}` : 'missing'})`).join(', ');
    throw new SluiceError(
      `BigQuerySink '${this.name}': table ${this.tableName} exists but does not have the columns ${described}. ` +
        'Add or fix them (ALTER TABLE ... ADD COLUMN), drop the table so the sink creates it, or name another table.',
    );
  }
}

/** The HTTP status of a Google API error, if it has one. */
function statusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

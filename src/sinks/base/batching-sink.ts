import type { Logger } from 'pino';
import { pino } from 'pino';
import { z } from 'zod';
import { ConfigError, SluiceError } from '../../errors.ts';
import type { TopicPartition } from '../../topics/message-context.ts';
import type { Sink, SinkContext, SinkRow } from './sink.ts';
import { SinkBackpressureError } from './sink-backpressure-error.ts';
import { SinkError } from './sink-error.ts';
import { emptySinkStats, type SinkStats } from './sink-stats.ts';

/**
 * The rows of one topic-partition a {@link BatchingSink} writes at once, in offset order.
 *
 * @example
 * ```ts
 * const batch: SinkBatch<Order> = { topic: 'orders', partition: 0, rows };
 * ```
 */
export interface SinkBatch<T> {
  readonly topic: string;
  readonly partition: number;
  readonly rows: readonly SinkRow<T>[];
}

/**
 * What a {@link BatchingSink.write} may report.
 *
 * @example
 * ```ts
 * return { bytes: csv.length };
 * ```
 */
export interface WriteOutcome {
  /** Bytes written, for `stats.bytes`. */
  bytes?: number;
}

/**
 * Options every {@link BatchingSink} takes.
 *
 * @example
 * ```ts
 * const options: BatchingSinkOptions = { name: 'orders-db', attempts: 5, retryBackoffMs: 250 };
 * ```
 */
export interface BatchingSinkOptions {
  /** Names the sink in errors, logs and `app.stats.sinks`. */
  name: string;
  /** Attempts per batch before the sink gives up and the app stops; default 5. */
  attempts?: number;
  /** Wait before the first retry, in ms; doubled per retry up to `maxRetryBackoffMs`. Default 250. */
  retryBackoffMs?: number;
  /** Longest wait between two attempts, in ms; default 5000. */
  maxRetryBackoffMs?: number;
}

/** zod shape of {@link BatchingSinkOptions}, for sinks that extend their own options from it. */
export const BATCHING_SINK_OPTIONS = {
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'must be 1-200 letters, digits, ".", "_" or "-"'),
  attempts: z.number().int().min(1).max(1000).optional(),
  retryBackoffMs: z.number().int().nonnegative().optional(),
  maxRetryBackoffMs: z.number().int().nonnegative().optional(),
};

/**
 * Validates `options` against a zod object schema, throwing a ConfigError that names the sink
 * class and the option (the one way every sink checks its options).
 *
 * @example
 * ```ts
 * const o = parseSinkOptions('CsvSink', z.strictObject({ ...BATCHING_SINK_OPTIONS, dir: z.string() }), options);
 * ```
 */
export function parseSinkOptions<S extends z.ZodType>(kind: string, schema: S, options: unknown): z.infer<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
  throw new ConfigError(`invalid ${kind} options: ${issues}`);
}

interface Buffered<T> {
  readonly topic: string;
  readonly partition: number;
  rows: SinkRow<T>[];
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The base most sinks extend: rows are buffered per topic-partition and written, one
 * {@link SinkBatch} per partition, when the checkpoint flushes — so a sink implements only
 * `write` (and, if it connects to something, `setup`/`teardown`).
 *
 * A write that throws is retried (`attempts`, with exponential backoff from `retryBackoffMs`),
 * unless it threw a SluiceError with `retriable: false` (a missing table: retrying cannot help).
 * Then `flush` rejects with a {@link SinkError} naming the sink, the partition, the rows and the
 * cause, plus {@link describeFailure}'s hint; the app stops without committing those rows. A write
 * that throws a {@link SinkBackpressureError} is not retried: `flush` rejects with one naming
 * this partition and those not written yet, and the app pauses them (see {@link Sink}).
 *
 * `write` must be all-or-nothing per batch as far as the target allows, or idempotent: a batch
 * whose write failed half-way is written again in full.
 *
 * @example
 * ```ts
 * class HttpSink extends BatchingSink<Order> {
 *   constructor(private readonly url: string) { super({ name: 'orders-http' }); }
 *   protected async write(batch: SinkBatch<Order>): Promise<WriteOutcome> {
 *     const body = JSON.stringify(batch.rows.map((r) => r.value));
 *     const res = await fetch(this.url, { method: 'POST', body });
 *     if (res.status === 429) throw new SinkBackpressureError(1000);
 *     if (!res.ok) throw new Error(`HTTP ${res.status}`);
 *     return { bytes: body.length };
 *   }
 * }
 * ```
 */
export abstract class BatchingSink<T = unknown> implements Sink<T> {
  readonly name: string;
  readonly stats: SinkStats = emptySinkStats();
  protected logger: Logger = pino({ level: 'silent' });
  private readonly buffers = new Map<string, Buffered<T>>();
  private readonly attempts: number;
  private readonly retryBackoffMs: number;
  private readonly maxRetryBackoffMs: number;
  /** Once closing, a failed write is not retried. */
  private closing = false;

  constructor(options: BatchingSinkOptions) {
    const o = parseSinkOptions(new.target.name, z.object(BATCHING_SINK_OPTIONS), options);
    this.name = o.name;
    this.attempts = o.attempts ?? 5;
    this.retryBackoffMs = o.retryBackoffMs ?? 250;
    this.maxRetryBackoffMs = o.maxRetryBackoffMs ?? 5000;
  }

  /** Writes one partition's rows; throw to fail (retried), or a SinkBackpressureError to pause. */
  protected abstract write(batch: SinkBatch<T>): Promise<WriteOutcome | void>;

  /** Connects / creates what `write` needs; called by `open`. A rejection stops the app before it reads. */
  protected async setup(): Promise<void> {}

  /** Releases what `setup` acquired; called by `close`. */
  protected async teardown(): Promise<void> {}

  /**
   * What to check when writes keep failing (appended to the SinkError), e.g. "is PostgreSQL
   * running at localhost:5432?".
   */
  protected describeFailure(_error: unknown): string {
    return 'Check that the target is reachable and accepts the rows, then restart: the rows are written then.';
  }

  async open(context: SinkContext): Promise<void> {
    this.closing = false;
    this.logger = context.logger.child({ sink: this.name });
    await this.setup();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.buffers.clear();
    await this.teardown();
  }

  add(row: SinkRow<T>): void {
    const { topic, partition } = row.ctx;
    const key = tpKey(topic, partition);
    let buffered = this.buffers.get(key);
    if (!buffered) this.buffers.set(key, (buffered = { topic, partition, rows: [] }));
    buffered.rows.push(row);
  }

  /** Rows buffered and not written yet (all partitions). */
  get pendingRows(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.rows.length;
    return n;
  }

  async flush(partitions?: readonly TopicPartition[]): Promise<void> {
    const todo = partitions
      ? partitions.map((p) => this.buffers.get(tpKey(p.topic, p.partition))).filter((b): b is Buffered<T> => b !== undefined)
      : [...this.buffers.values()];
    for (let i = 0; i < todo.length; i++) {
      const buffered = todo[i];
      if (buffered.rows.length === 0) continue;
      const batch: SinkBatch<T> = { topic: buffered.topic, partition: buffered.partition, rows: buffered.rows };
      try {
        await this.writeWithRetries(batch);
      } catch (e) {
        if (!(e instanceof SinkBackpressureError)) throw e;
        this.stats.backpressured++;
        const unwritten = todo.slice(i).map(({ topic, partition }) => ({ topic, partition }));
        throw new SinkBackpressureError(e.retryAfterMs, { partitions: unwritten, sink: this.name });
      }
      // rows added meanwhile (none while the checkpoint flushes) stay buffered
      buffered.rows = buffered.rows.length === batch.rows.length ? [] : buffered.rows.slice(batch.rows.length);
    }
  }

  discard(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.buffers.delete(tpKey(topic, partition));
  }

  private async writeWithRetries(batch: SinkBatch<T>): Promise<void> {
    const what = `write ${batch.rows.length} rows of topic '${batch.topic}' partition ${batch.partition}`;
    const outcome = await this.withRetries(what, () => this.write(batch), 'Their offsets were not committed, so the next run writes them.');
    this.stats.rows += batch.rows.length;
    this.stats.batches++;
    this.stats.bytes += outcome?.bytes ?? 0;
  }

  /**
   * Runs `fn` up to `attempts` times with exponential backoff (not after a SluiceError with
   * `retriable: false`, nor a SinkBackpressureError, nor once closing), counting failures in
   * `stats.errors`; then throws a SinkError "sink 'name' could not `what` ...: cause. hint
   * `consequence`". For `setup` steps such as connecting.
   *
   * @example
   * ```ts
   * protected async setup(): Promise<void> {
   *   await this.withRetries('connect to PostgreSQL', () => this.pool.query('SELECT 1'));
   * }
   * ```
   */
  protected async withRetries<R>(what: string, fn: () => Promise<R>, consequence = ''): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (e instanceof SinkBackpressureError) throw e;
        this.stats.errors++;
        const final = attempt >= this.attempts || this.closing || (e instanceof SluiceError && !e.retriable);
        if (final) {
          const tried = attempt === 1 ? '' : ` after ${attempt} attempts`;
          throw new SinkError(this.name, `sink '${this.name}' could not ${what}${tried}: ${(e as Error).message}. ${this.describeFailure(e)}${consequence ? ` ${consequence}` : ''}`, {
            cause: e,
            retriable: !(e instanceof SluiceError) || e.retriable,
          });
        }
        const wait = Math.min(this.maxRetryBackoffMs, this.retryBackoffMs * 2 ** (attempt - 1));
        this.logger.warn({ err: e, attempt, retryInMs: wait }, `sink could not ${what}; retrying`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}

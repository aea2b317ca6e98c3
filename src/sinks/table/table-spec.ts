import { z } from 'zod';
import type { MessageContext } from '../../topics/message-context.ts';
import { SluiceError } from '../../errors.ts';

/**
 * How a table sink turns a pipeline value into a table row (column name → value). The default
 * takes the value's own fields by column name.
 *
 * @example
 * ```ts
 * const toRow: ToRow<WindowRecord<{ views: number }>> = (w, ctx) => ({ page: ctx.key, window_start: w.start, views: w.views });
 * ```
 */
export type ToRow<T> = (value: T, ctx: MessageContext) => Readonly<Record<string, unknown>>;

/** SQL identifiers the table sinks accept for tables and columns (quoted, so case is kept). */
export const IDENTIFIER = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be a letter or "_" followed by up to 127 letters, digits or "_"');

/**
 * The default {@link ToRow}: the value itself, which must be an object.
 *
 * @example
 * ```ts
 * valueAsRow({ page: '/', views: 3 }, ctx); // { page: '/', views: 3 }
 * ```
 */
export function valueAsRow(value: unknown, ctx: MessageContext): Readonly<Record<string, unknown>> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new RowContentError(`the value of ${where(ctx)} is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}, not an object with one field per column: pass toRow to turn it into a row`);
}

/**
 * A row the target refuses for its content (a text where a number belongs, an invalid
 * timestamp): retrying cannot help, so the sink fails at once naming the message and the column.
 *
 * @example
 * ```ts
 * throw new RowContentError(`column 'views' of orders[0]@17 must be a number, got "many"`);
 * ```
 */
export class RowContentError extends SluiceError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retriable: false });
  }
}

/**
 * `topic[partition]@offset` of the message a row came from, for error messages.
 *
 * @example
 * ```ts
 * where(row.ctx); // 'click_stream_data[2]@1041'
 * ```
 */
export function where(ctx: Pick<MessageContext, 'topic' | 'partition' | 'offset'>): string {
  return `${ctx.topic}[${ctx.partition}]@${ctx.offset}`;
}

/**
 * Milliseconds since the epoch of a timestamp given as epoch milliseconds, an ISO-8601 string or
 * a Date; `undefined` when it is none of these.
 *
 * @example
 * ```ts
 * epochMillis('2026-12-02T18:00:00Z'); // 1796234400000
 * epochMillis(1796234400000);          // 1796234400000
 * ```
 */
export function epochMillis(value: unknown): number | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value instanceof Date ? value.getTime() : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

import { defineOperator, type FrameOperator } from '../define-operator.ts';

/**
 * Options of `sdf.print()`.
 *
 * @example
 * ```ts
 * sdf.print({ pretty: false, metadata: true, stream: process.stderr });
 * ```
 */
export interface PrintOptions {
  /** Indented multi-line JSON (default true) or one line per value. */
  pretty?: boolean;
  /** Also print key, timestamp, headers, topic, partition and offset (default false). */
  metadata?: boolean;
  /** Where to write (default process.stdout). */
  stream?: { write(chunk: string): unknown };
}

/**
 * Writes each value (and, with `metadata`, its context) as JSON to a stream; the value passes on.
 *
 * @example
 * ```ts
 * const op = printOperator({ pretty: false });
 * ```
 */
export function printOperator(options: PrintOptions = {}): FrameOperator {
  const pretty = options.pretty ?? true;
  return defineOperator('print', () => (row, push) => {
    const stream = options.stream ?? process.stdout;
    const { key, timestamp, headers, topic, partition, offset } = row.ctx;
    const shown = options.metadata ? { value: row.value, key, timestamp, headers, topic, partition, offset } : { value: row.value };
    stream.write(JSON.stringify(shown, replacer, pretty ? 2 : undefined) + '\n');
    push(row);
  });
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return `<Buffer ${Buffer.from((value as { data: number[] }).data).toString('hex')}>`;
  }
  return value;
}

import { stringify } from 'csv-stringify/sync';

/**
 * Options of {@link csvText}.
 *
 * @example
 * ```ts
 * const options: CsvTextOptions = { columns: ['id', 'amount'], delimiter: ';' };
 * ```
 */
export interface CsvTextOptions {
  columns: readonly string[];
  delimiter?: string;
  /** Write a header row first. */
  header?: boolean;
}

/**
 * The columns of a row: the fields of an object value, else the one column `value`.
 *
 * @example
 * ```ts
 * columnsOf({ id: 1, amount: 2 }); // ['id', 'amount']
 * columnsOf(42);                   // ['value']
 * ```
 */
export function columnsOf(value: unknown): string[] {
  return isRecord(value) ? Object.keys(value) : ['value'];
}

/**
 * CSV lines (each ending in `\n`) for `values` in `columns` order, as sinks write them: null and
 * undefined as an empty unquoted cell, the empty string as `""` (so PostgreSQL's COPY tells them
 * apart), booleans as true/false, dates in ISO 8601, objects and arrays as JSON. A value that is
 * not an object fills the column `value`.
 *
 * @example
 * ```ts
 * csvText([{ id: 1, note: '' }], { columns: ['id', 'note'], header: true }); // 'id,note\n1,""\n'
 * ```
 */
export function csvText(values: readonly unknown[], options: CsvTextOptions): string {
  const records = values.map((v) => (isRecord(v) ? v : { value: v }));
  return stringify(records, {
    columns: [...options.columns],
    header: options.header ?? false,
    delimiter: options.delimiter ?? ',',
    record_delimiter: '\n',
    cast: {
      string: (v) => (v === '' ? { value: '', quoted_empty: true } : v),
      boolean: (v) => String(v),
      date: (v) => v.toISOString(),
      object: (v) => JSON.stringify(v),
      bigint: (v) => v.toString(),
    },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !Buffer.isBuffer(value);
}

import { epochMillis } from '../table/table-spec.ts';

/**
 * The column types a {@link BigQuerySink} creates and fills (GoogleSQL names). TIMESTAMP takes
 * epoch milliseconds, ISO-8601 strings or Dates; JSON takes any value; STRING takes strings
 * (numbers and booleans are written as text).
 *
 * @example
 * ```ts
 * const columns: Record<string, BigQueryColumnType> = { event_id: 'STRING', at: 'TIMESTAMP', views: 'INT64' };
 * ```
 */
export type BigQueryColumnType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP' | 'JSON';

export const BIGQUERY_COLUMN_TYPES: readonly BigQueryColumnType[] = ['STRING', 'INT64', 'FLOAT64', 'BOOL', 'TIMESTAMP', 'JSON'];

/** Names BigQuery may report for a column type in a table's schema (legacy and GoogleSQL). */
export const BIGQUERY_TYPE_ALIASES: Readonly<Record<BigQueryColumnType, readonly string[]>> = {
  STRING: ['STRING'],
  INT64: ['INT64', 'INTEGER'],
  FLOAT64: ['FLOAT64', 'FLOAT'],
  BOOL: ['BOOL', 'BOOLEAN'],
  TIMESTAMP: ['TIMESTAMP'],
  JSON: ['JSON'],
};

/** What a column got: the JSON value to send, or what it expected instead. */
export type ColumnValue = { value: unknown } | { expected: string };

/**
 * The value to send in a streaming insert for a column of `type` (null and undefined as null),
 * or what the column expected when `value` does not fit.
 *
 * @example
 * ```ts
 * bigQueryValue('TIMESTAMP', 0);   // { value: '1970-01-01T00:00:00.000Z' }
 * bigQueryValue('INT64', 'seven'); // { expected: 'an integer' }
 * ```
 */
export function bigQueryValue(type: BigQueryColumnType, value: unknown): ColumnValue {
  if (value === null || value === undefined) return { value: null };
  switch (type) {
    case 'STRING':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? { value: String(value) } : { expected: 'a string' };
    case 'INT64':
      // as text: BigQuery takes INT64 as a JSON string, which keeps values beyond 2^53 exact
      return typeof value === 'bigint' || Number.isSafeInteger(value) ? { value: String(value) } : { expected: 'an integer' };
    case 'FLOAT64':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { expected: 'a finite number' };
    case 'BOOL':
      return typeof value === 'boolean' ? { value } : { expected: 'a boolean' };
    case 'TIMESTAMP': {
      const ms = epochMillis(value);
      return ms === undefined ? { expected: 'a timestamp (epoch milliseconds, ISO-8601 text or a Date)' } : { value: new Date(ms).toISOString() };
    }
    case 'JSON':
      return { value: JSON.stringify(value) };
  }
}

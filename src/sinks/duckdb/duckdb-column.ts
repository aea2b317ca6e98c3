import { timestampValue, type DuckDBAppender } from '@duckdb/node-api';
import { epochMillis } from '../table/table-spec.ts';

/**
 * The column types a {@link DuckDbSink} creates and fills. TIMESTAMP takes epoch milliseconds,
 * ISO-8601 strings or Dates; JSON takes any value (stored as its JSON text); VARCHAR takes
 * strings (numbers and booleans are written as text).
 *
 * @example
 * ```ts
 * const columns: Record<string, DuckDbColumnType> = { event_id: 'VARCHAR', at: 'TIMESTAMP', views: 'BIGINT' };
 * ```
 */
export type DuckDbColumnType = 'VARCHAR' | 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP' | 'JSON';

export const DUCKDB_COLUMN_TYPES: readonly DuckDbColumnType[] = ['VARCHAR', 'BIGINT', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'TIMESTAMP', 'JSON'];

/** Appends one non-null value of a column; returns a description of what was expected when it cannot. */
type AppendValue = (appender: DuckDBAppender, value: unknown) => string | void;

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

const APPEND: Record<DuckDbColumnType, AppendValue> = {
  VARCHAR: (a, v) => {
    if (typeof v === 'string') a.appendVarchar(v);
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') a.appendVarchar(String(v));
    else return 'a string';
  },
  BIGINT: (a, v) => {
    if (typeof v === 'bigint') a.appendBigInt(v);
    else if (Number.isSafeInteger(v)) a.appendBigInt(BigInt(v as number));
    else return 'an integer';
  },
  INTEGER: (a, v) => {
    if (Number.isInteger(v) && (v as number) >= INT32.min && (v as number) <= INT32.max) a.appendInteger(v as number);
    else return 'a 32-bit integer';
  },
  DOUBLE: (a, v) => {
    if (typeof v === 'number') a.appendDouble(v);
    else return 'a number';
  },
  BOOLEAN: (a, v) => {
    if (typeof v === 'boolean') a.appendBoolean(v);
    else return 'a boolean';
  },
  TIMESTAMP: (a, v) => {
    const ms = epochMillis(v);
    if (ms === undefined) return 'a timestamp (epoch milliseconds, ISO-8601 text or a Date)';
    a.appendTimestamp(timestampValue(BigInt(Math.round(ms * 1000))));
  },
  JSON: (a, v) => {
    a.appendVarchar(JSON.stringify(v));
  },
};

/**
 * Appends `value` to the appender's current row as a column of `type` (null and undefined as
 * NULL); returns what the column expected when `value` does not fit, else undefined.
 *
 * @example
 * ```ts
 * const expected = appendColumn(appender, 'BIGINT', 'seven'); // 'an integer' (nothing appended)
 * ```
 */
export function appendColumn(appender: DuckDBAppender, type: DuckDbColumnType, value: unknown): string | undefined {
  if (value === null || value === undefined) {
    appender.appendNull();
    return undefined;
  }
  return APPEND[type](appender, value) ?? undefined;
}

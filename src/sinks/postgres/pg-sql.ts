import { ConfigError } from '../../errors.ts';

/** A table name as the PostgresSink takes it: `table` or `schema.table`, letters, digits and `_`. */
export const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

/**
 * A quoted SQL identifier (`"name"`, quotes doubled).
 *
 * @example
 * ```ts
 * quoteIdent('order id'); // '"order id"'
 * ```
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The quoted, schema-qualified form of a table name (`shop.orders` → `"shop"."orders"`).
 *
 * @example
 * ```ts
 * quoteTable('shop.orders'); // '"shop"."orders"'
 * ```
 */
export function quoteTable(table: string): string {
  return table.split('.').map(quoteIdent).join('.');
}

/**
 * The PostgreSQL type a column gets when a table is created from a sample row: integers bigint,
 * other numbers double precision, strings text, booleans boolean, dates timestamptz, bigints
 * numeric, objects and arrays jsonb, null text.
 *
 * @example
 * ```ts
 * columnTypeOf(3);        // 'bigint'
 * columnTypeOf({ a: 1 }); // 'jsonb'
 * ```
 */
export function columnTypeOf(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? 'bigint' : 'double precision';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'bigint') return 'numeric';
  if (value instanceof Date) return 'timestamptz';
  if (typeof value === 'object' && value !== null) return 'jsonb';
  return 'text';
}

/**
 * `CREATE TABLE IF NOT EXISTS` for `columns` (name → SQL type, in order), with `key` as its
 * primary key when given.
 *
 * @example
 * ```ts
 * createTableSql('product_totals', { product: 'text', revenue: 'numeric' }, ['product']);
 * // CREATE TABLE IF NOT EXISTS "product_totals" ("product" text, "revenue" numeric, PRIMARY KEY ("product"))
 * ```
 */
export function createTableSql(table: string, columns: Readonly<Record<string, string>>, key: readonly string[] | undefined): string {
  const names = Object.keys(columns);
  for (const k of key ?? []) {
    if (!names.includes(k)) throw new ConfigError(`upsertKey column '${k}' is not among the columns of table ${table} (${names.join(', ')}); add it to columns`);
  }
  const defs = names.map((n) => `${quoteIdent(n)} ${columns[n]}`);
  if (key?.length) defs.push(`PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteTable(table)} (${defs.join(', ')})`;
}

/**
 * `INSERT INTO target (cols) SELECT cols FROM source ON CONFLICT (key) DO UPDATE SET` every
 * other column to the new value (`DO NOTHING` when every column is part of the key).
 *
 * @example
 * ```ts
 * upsertSql('totals', 'pg_temp.stage', ['product', 'revenue'], ['product']);
 * ```
 */
export function upsertSql(target: string, source: string, columns: readonly string[], key: readonly string[]): string {
  const cols = columns.map(quoteIdent).join(', ');
  const rest = columns.filter((c) => !key.includes(c));
  const action = rest.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${rest.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`;
  return `INSERT INTO ${quoteTable(target)} (${cols}) SELECT ${cols} FROM ${source} ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${action}`;
}

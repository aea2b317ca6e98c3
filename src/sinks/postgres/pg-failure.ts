/**
 * What a PostgreSQL error means for a sink: whether trying again may help, and what the user
 * should check. Classified by SQLSTATE class (`error.code`) or the socket error code.
 *
 * @example
 * ```ts
 * const { retriable, hint } = pgFailure(error, { table: 'orders', where: '127.0.0.1:5432/shop' });
 * ```
 */
export interface PgFailure {
  retriable: boolean;
  hint: string;
}

/** Socket errors: the server is down, restarting or unreachable. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Classifies a PostgreSQL (pg) error; see {@link PgFailure}.
 *
 * @example
 * ```ts
 * pgFailure({ code: '42P01' }, { table: 'orders', where: 'localhost:5432/shop' }).retriable; // false
 * ```
 */
export function pgFailure(error: unknown, about: { table: string; where: string; key?: readonly string[] }): PgFailure {
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = String((error as Error)?.message ?? '');
  const down = `Is PostgreSQL running and reachable at ${about.where}? (scripts/postgres/postgres.sh start starts one; DATABASE_URL or the connectionString option names it.)`;
  if (NETWORK.has(code) || /Connection terminated|connection timeout|terminating connection/i.test(message) || code.startsWith('08') || code.startsWith('57P')) {
    return { retriable: true, hint: down };
  }
  if (code.startsWith('53')) return { retriable: true, hint: `PostgreSQL at ${about.where} is out of resources (disk, memory or connections): free some, then restart.` };
  if (code.startsWith('40')) return { retriable: true, hint: 'A concurrent transaction got in the way; retrying usually helps.' };
  if (code === '42P01') return { retriable: false, hint: `Create table ${about.table}, or pass createTable: true (with columns) to let the sink create it.` };
  if (code === '42703') return { retriable: false, hint: `Table ${about.table} lacks a column the sink writes: add it (ALTER TABLE), or name the columns to write with the columns option.` };
  if (code === '42P10') return { retriable: false, hint: `Upserts need a primary key or unique index on (${about.key?.join(', ') ?? ''}) of ${about.table}: add one (ALTER TABLE ${about.table} ADD PRIMARY KEY (...)).` };
  if (code === '3D000') return { retriable: false, hint: `The database does not exist at ${about.where}: create it (createdb) or fix the URL.` };
  if (code.startsWith('28')) return { retriable: false, hint: `PostgreSQL refused the login at ${about.where}: check the user and password in the URL.` };
  if (code === '42501') return { retriable: false, hint: `The user may not write to ${about.table}: GRANT it INSERT (and UPDATE for upserts).` };
  if (code.startsWith('22') || code.startsWith('23')) {
    return { retriable: false, hint: `A row does not fit table ${about.table} (its type or a constraint): fix the pipeline's values or the table, then restart.` };
  }
  return { retriable: true, hint: down };
}

// bqemulator (a BigQuery REST emulator from PyPI) for the BigQuery sink's tests, started and
// stopped through scripts/bigquery/bqemulator.sh on a free port, its data in a temporary dir.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BigQuery } from '@google-cloud/bigquery';
import getPort from 'get-port';
import { emulatorAuthClient } from '../../src/sinks/bigquery/emulator-auth-client.ts';

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '../../scripts/bigquery/bqemulator.sh');

/** A running emulator a test talks to. */
export interface TestBqEmulator {
  /** `http://127.0.0.1:<port>`, the sink's `apiEndpoint`. */
  readonly endpoint: string;
  /** Its default project. */
  readonly projectId: string;
  /** A BigQuery client of the emulator (placeholder credentials), to create and query tables. */
  readonly client: BigQuery;
  /** Stops the emulator; its data stays for `start`. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

/**
 * Starts bqemulator for a test. Fails (it does not skip) when the emulator is not installed,
 * saying how to install it.
 *
 * @example
 * ```ts
 * const bq = await startBqEmulator();
 * const [rows] = await bq.client.query('SELECT 1 AS one');
 * await bq.close();
 * ```
 */
export async function startBqEmulator(): Promise<TestBqEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bqemulator-'));
  const port = await getPort({ host: '127.0.0.1' });
  const projectId = 'demo';
  const script = async (...args: string[]): Promise<string> => {
    try {
      return (await run('bash', [SCRIPT, ...args, '--dir', dir], { timeout: 150_000 })).stdout.trim();
    } catch (e) {
      const stderr = String((e as { stderr?: unknown }).stderr ?? '');
      if (/not installed/.test(stderr)) {
        throw new Error(`bqemulator is not installed, so the BigQuery sink cannot be tested: run scripts/bigquery/bqemulator.sh install (a Python venv with bqemulator from PyPI; .ci/run does it). ${stderr.trim()}`);
      }
      throw new Error(`scripts/bigquery/bqemulator.sh ${args.join(' ')} failed: ${stderr.trim() || (e as Error).message}`);
    }
  };
  const start = async (): Promise<void> => {
    await script('start', '--port', String(port), '--project', projectId);
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    endpoint,
    projectId,
    client: new BigQuery({ projectId, apiEndpoint: endpoint, authClient: emulatorAuthClient() }),
    start,
    stop: async () => {
      await script('stop');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await script('stop');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The rows of a GoogleSQL query. Throws on a query error: the emulator reports one inside a
 * successful answer, which the client would turn into zero rows.
 *
 * @example
 * ```ts
 * const rows = await queryRows(bq.client, 'SELECT COUNT(*) AS n FROM ds.events');
 * ```
 */
export async function queryRows(client: BigQuery, query: string): Promise<Record<string, unknown>[]> {
  const [job] = await client.createQueryJob({ query, useLegacySql: false });
  const [rows, , response] = await job.getQueryResults();
  const errors = (response as { errors?: { message?: string }[] } | undefined)?.errors;
  if (errors?.length) throw new Error(`query failed: ${errors.map((e) => e.message).join('; ')}\n${query}`);
  return rows as Record<string, unknown>[];
}

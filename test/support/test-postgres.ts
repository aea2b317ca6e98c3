// PostgreSQL for tests: the server SLUICE_TEST_DATABASE_URL names (CI starts one with
// scripts/postgres/postgres.sh), else one started here from the machine's PostgreSQL binaries
// through the same script. With neither, tests that need PostgreSQL fail and say how to get it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import getPort from 'get-port';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/postgres/postgres.sh', import.meta.url));

/** A PostgreSQL server a test talks to. */
export interface TestPostgres {
  /** `postgresql://user@host:port/db`. */
  readonly url: string;
  /** `external` = named by SLUICE_TEST_DATABASE_URL; `own` = started by this helper (it can stop and start it). */
  readonly kind: 'external' | 'own';
  /** Stops the server (own only): `fast` ends the sessions, `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data (own only). */
  start(): Promise<void>;
  /** Stops an own server and removes its data; a no-op for an external one. */
  close(): Promise<void>;
}

const HOW_TO_GET_ONE =
  'This test needs a PostgreSQL server. Either set SLUICE_TEST_DATABASE_URL=postgresql://user@host:port/db, ' +
  "or install PostgreSQL's server binaries so the test can start one (Debian/Ubuntu: sudo apt-get install -y postgresql; " +
  'as root: scripts/postgres/postgres.sh install). `scripts/postgres/postgres.sh start` also starts one by hand.';

async function script(...args: string[]): Promise<string> {
  const { stdout } = await run('bash', [SCRIPT, ...args], { timeout: 120_000 });
  return stdout.trim();
}

/**
 * Gives a test PostgreSQL: the server of SLUICE_TEST_DATABASE_URL, or (always with `own: true`,
 * for tests that stop and start the server) a fresh one started through scripts/postgres/postgres.sh
 * on a free port of 127.0.0.1 with a temporary data directory. Throws, saying how to get one, when
 * neither is possible.
 *
 * @example
 * ```ts
 * let pg: TestPostgres;
 * beforeAll(async () => { pg = await usePostgres(); }, 120_000);
 * afterAll(() => pg?.close());
 * ```
 */
export async function usePostgres(options: { own?: boolean } = {}): Promise<TestPostgres> {
  const external = process.env.SLUICE_TEST_DATABASE_URL?.trim();
  if (external && !options.own) {
    const refuse = async (): Promise<void> => {
      throw new Error('cannot stop or start the server of SLUICE_TEST_DATABASE_URL; use usePostgres({ own: true })');
    };
    return { url: external, kind: 'external', stop: refuse, start: refuse, close: async () => {} };
  }
  try {
    await script('bin');
  } catch {
    throw new Error(HOW_TO_GET_ONE);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
  const port = await getPort({ host: '127.0.0.1' });
  let url: string;
  try {
    url = await script('start', '--port', String(port), '--dir', dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`starting PostgreSQL with scripts/postgres/postgres.sh failed: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
  }
  let closed = false;
  return {
    url,
    kind: 'own',
    stop: async (mode = 'fast') => void (await script('stop', '--dir', dir, '--mode', mode)),
    start: async () => void (await script('start', '--dir', dir)),
    close: async () => {
      if (closed) return;
      closed = true;
      await script('stop', '--dir', dir, '--mode', 'immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

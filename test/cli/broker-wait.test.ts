// An app started before its broker says at once where it waits and for how long, then carries on
// when the broker comes up. Embedded broker only: the test starts it on the port the app waits for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { afterEach, describe, expect, it } from 'vitest';
import { startBroker } from '../../src/broker/index.ts';
import { CLI_TEST_TIMEOUT_MS, startCli, type RunningCli } from './cli-support.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The pino JSON lines an app wrote to stdout. */
function logLines(out: string): Array<{ level: number; msg: string; broker?: string; waitMs?: number }> {
  return out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

describe('an app started with no broker reachable', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('warns at once that it waits for the broker at its address and for how long, and runs once the broker is up', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const address = `127.0.0.1:${port}`;
    const app: RunningCli = startCli(['run', 'apps/text-splitter.ts', '--no-check', '--broker', address], { env: { SLUICE_LOG_LEVEL: 'info', SLUICE_LOG_FORMAT: 'json' } });
    cleanups.push(async () => {
      if (app.child.exitCode === null) app.child.kill('SIGKILL');
      await app.result;
    });

    // Well before the 30 s wait ends, the first line the app prints names the address and the wait.
    await app.waitForStdout((out) => logLines(out).length > 0, 20_000);
    const [first] = logLines(app.stdout());
    expect(first).toMatchObject({ level: 40, broker: address, waitMs: 30_000 });
    expect(first.msg).toContain(`waiting up to 30 s for the Kafka broker at ${address}`);
    expect(first.msg).toContain('npx sluice broker');

    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-broker-wait-'));
    const broker = await startBroker({ port, host: '127.0.0.1', dataDir, logLevel: 'silent' });
    cleanups.push(async () => {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    await app.waitForStdout((out) => logLines(out).some((l) => l.msg === 'running'), 60_000);
    expect(logLines(app.stdout()).some((l) => l.msg.startsWith(`the Kafka broker at ${address} answered after`))).toBe(true);

    app.child.kill('SIGINT');
    expect((await app.result).code).toBe(0);
  });
});

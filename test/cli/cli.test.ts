import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_TEST_TIMEOUT_MS, runCli } from './cli-support.ts';
import { lineRecordReader } from '../../src/cli/produce/line-record-reader.ts';
import { parseHostPort, resolveBrokerAddress } from '../../src/cli/broker-address.ts';
import { CliError } from '../../src/cli/cli-error.ts';

describe('sluice CLI', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('lists every command in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['run <file>', 'broker', 'demo', 'topics', 'consume [topic]', 'produce [topic]']) {
      expect(result.stdout).toContain(`sluice ${command}`);
    }
    expect(result.stdout).toContain('Examples:');
  });

  it('shows examples in the help of a command', async () => {
    const result = await runCli(['consume', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--from-beginning');
    expect(result.stdout).toContain('sluice consume words --from-beginning');
  });

  it('lays out help examples so that no command wraps in the middle', async () => {
    for (const command of ['run', 'check', 'consume', 'produce', 'topics', 'broker', 'demo', 'stack']) {
      const help = (await runCli([command, '--help'])).stdout;
      const examples = help.slice(help.indexOf('Examples:')).split('\n').slice(1);
      const starts = examples.filter((line) => /^ {2}\S/.test(line));
      expect(starts.length, `${command} --help`).toBeGreaterThan(0);
      for (const line of starts) expect(line, `${command} --help`).toMatch(/^ {2}(sluice |# |echo |printf )/);
    }
  });

  it('says that app flags go after -- when sluice run gets flags it does not know', async () => {
    const result = await runCli(['run', 'test/cli/fixtures/echo-app.ts', '--count', '5', '--broker', '127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'sluice: --count is not a flag of sluice run; flags for the app go after --:\n  sluice run test/cli/fixtures/echo-app.ts --broker 127.0.0.1:1 -- --count 5\n',
    );
  });

  it('prints only the friendly line when the broker port is in use', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await runCli(['broker', '--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'sluice-port-'))]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`sluice: Port ${port} on 127.0.0.1 is already in use — is a broker already running? Pick another with --port\n`);
    } finally {
      server.close();
    }
  });

  it('prints the cause of an app error once, in the log line and on the CLI line', async () => {
    const result = await runCli(['run', 'test/cli/fixtures/cause-app.ts'], { env: { SLUICE_LOG_FORMAT: 'json' } });
    expect(result.code).toBe(1);
    const logged = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { err: { message: string } };
    expect(logged.err.message).toBe('reading orders failed: socket hang up');
    expect(result.stderr.match(/socket hang up/g)).toHaveLength(1);
  });

  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('exits 1 with a clear message when the app file does not exist', async () => {
    const result = await runCli(['run', 'apps/no-such-app.ts']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No such app file: apps/no-such-app.ts — try `ls apps/`');
    expect(result.stderr).not.toContain('    at ');
  });

  it('runs an app file with --broker as SLUICE_BROKER_ADDRESS and the args after --', async () => {
    const result = await runCli(['run', 'test/cli/fixtures/echo-app.ts', '--broker', '127.0.0.1:19999', '--', '--count', '3']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout.trim()) as { broker: string; args: string[]; main: string };
    expect(printed.broker).toBe('127.0.0.1:19999');
    expect(printed.args).toEqual(['--count', '3']);
    expect(printed.main).toMatch(/test\/cli\/fixtures\/echo-app\.ts$/);
    expect(result.stderr).toBe('sluice: test/cli/fixtures/echo-app.ts ran but created no sluice Application — is it an app? App files create `new Application(...)` (see apps/)\n');
  });

  it('prints the message of an app that throws, without a stack, and exits 1', async () => {
    const result = await runCli(['run', 'test/cli/fixtures/failing-app.ts']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('topic "nope" has no value serializer');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runCli(['run', 'test/cli/fixtures/failing-app.ts', '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('reports an app that fails after loading and exits 1', async () => {
    const result = await runCli(['run', 'test/cli/fixtures/failing-later-app.ts']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('lost the broker at 127.0.0.1:1 while running');
  });

  it('rejects an unknown flag and names it', async () => {
    const result = await runCli(['topics', 'list', '--bogus-flag']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown argument: --bogus-flag');
  });

  it('rejects an unknown command', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('frobnicate');
  });

  it('reports an unreachable broker in one line and exits 1', async () => {
    const result = await runCli(['topics', 'list', '--broker', '127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot reach a Kafka broker at 127.0.0.1:1');
  });

  it('rejects a broker address that is not host:port', async () => {
    const result = await runCli(['topics', 'list', '--broker', 'nowhere']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Broker address "nowhere" is not host:port');
  });
});

describe('CLI helpers', () => {
  it('splits a line into key and value at the first separator only', () => {
    const lenient = lineRecordReader(new Map([['parse.key', 'true'], ['key.separator', ':'], ['ignore.error', 'true']]));
    expect(lenient('k:v:w', 1)).toEqual({ key: 'k', value: 'v:w', headers: [] });
    expect(lenient('no separator here', 1)).toEqual({ key: null, value: 'no separator here', headers: [] });
    expect(lineRecordReader(new Map())('k:v', 1)).toEqual({ key: null, value: 'k:v', headers: [] });
  });

  it('parses host:port and prefers the flag over the environment', () => {
    expect(parseHostPort('127.0.0.1:19092')).toEqual({ host: '127.0.0.1', port: 19092 });
    expect(parseHostPort('[::1]:9092')).toEqual({ host: '::1', port: 9092 });
    expect(() => parseHostPort('host:99999')).toThrow(CliError);
    const saved = process.env.SLUICE_BROKER_ADDRESS;
    process.env.SLUICE_BROKER_ADDRESS = 'envhost:1234';
    try {
      expect(resolveBrokerAddress()).toBe('envhost:1234');
      expect(resolveBrokerAddress('flaghost:9')).toBe('flaghost:9');
    } finally {
      if (saved === undefined) delete process.env.SLUICE_BROKER_ADDRESS;
      else process.env.SLUICE_BROKER_ADDRESS = saved;
    }
  });
});

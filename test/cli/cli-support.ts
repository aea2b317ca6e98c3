// Runs the real CLI (bin/sluice.mjs → tsx → src/cli/main.ts) as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/sluice.mjs', import.meta.url));

/**
 * Per-test timeout for tests that start `sluice` processes: each costs seconds of tsx start-up, and
 * tens of seconds on a loaded 2-core machine, so a test running four of them needs minutes.
 */
export const CLI_TEST_TIMEOUT_MS = 240_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sluice ...args`, feeding `input` on stdin, killing it after `timeoutMs`. */
export function runCli(args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice ${args.join(' ')} did not finish within ${options.timeoutMs ?? 120_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A `sluice` process left running: its output so far, and its result once it exits. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when `condition(stdout)` holds; rejects after `timeoutMs` or when the process exits first. */
  waitForStdout(condition: (stdout: string) => boolean, timeoutMs?: number): Promise<void>;
  readonly result: Promise<CliResult>;
}

/** Starts `sluice ...args` and returns at once, for tests that signal it (Ctrl-C) while it runs. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  let exited = false;
  void result.then(() => (exited = true), () => (exited = true));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    result,
    waitForStdout: async (condition, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!condition(stdout)) {
        if (exited) throw new Error(`sluice ${args.join(' ')} exited before its output matched\nstdout: ${stdout}\nstderr: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`sluice ${args.join(' ')}: output did not match within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

// Locating and running the real Kafka clients the compatibility suites drive (kcat, confluent-kafka
// for Python, segmentio/kafka-go programs, Apache Kafka's Java tools). A missing client makes the
// suite fail with a message naming `scripts/compat/install.sh`; nothing is skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Repository root. */
export const ROOT = resolve(HERE, '../..');
const INSTALL_HINT = 'run `scripts/compat/install.sh` (as root in CI) to install the compatibility clients';

/** Paths of the client programs, checked to exist; throws naming the installer when one is missing. */
export const clients = {
  kcat(): string {
    const found = spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' });
    const path = found.stdout.trim();
    if (found.status !== 0 || !path) throw new Error(`kcat is not on PATH — ${INSTALL_HINT}`);
    return path;
  },
  python(): string {
    const path = join(HERE, '.venv', 'bin', 'python');
    if (!existsSync(path)) throw new Error(`confluent-kafka venv missing (${path}) — ${INSTALL_HINT}`);
    return path;
  },
  goProgram(name: 'rebalance-reader' | 'writer'): string {
    const path = join(HERE, 'go', 'bin', name);
    if (!existsSync(path)) throw new Error(`kafka-go program ${name} not built (${path}) — ${INSTALL_HINT}`);
    return path;
  },
  /** kafka.sh, checked to run single-file Java programs (test/compat/java/*.java need a JDK's compiler). */
  javaPrograms(): string {
    const found = spawnSync('sh', ['-c', 'command -v javac'], { encoding: 'utf8' });
    if (found.status !== 0) throw new Error(`javac is not on PATH: the Java programs in test/compat/java need a JDK 17+, not a JRE — ${INSTALL_HINT}`);
    return clients.kafkaSh();
  },
  kafkaSh(): string {
    const lib = join(ROOT, 'scripts', 'kafka', 'target', 'lib');
    const hasJars = existsSync(lib) && readdirSync(lib).some((f) => f.startsWith('kafka-tools-'));
    if (!hasJars) throw new Error(`Apache Kafka jars missing in ${lib} — ${INSTALL_HINT}`);
    return join(ROOT, 'scripts', 'kafka', 'kafka.sh');
  },
};

/** What a finished command printed and how it exited. */
export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command to completion (stdin from `input`), killing it after `timeoutMs`. Rejects on
 * timeout or a non-zero exit (unless `allowFailure`), quoting the command and its stderr.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const shown = `${command} ${args.join(' ')}`;
      if (timedOut) {
        reject(new Error(`timed out after ${timeoutMs} ms: ${shown}\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`));
      } else if (code !== 0 && !options.allowFailure) {
        reject(new Error(`exit ${code ?? signal}: ${shown}\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`));
      } else {
        resolvePromise({ code, signal, stdout, stderr });
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A long-running client whose stdout lines are collected as they arrive. */
export class LineProcess {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
  ) {
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      partial += d.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.length > 0) this.lines.push(line);
      this.notify();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-8000);
    });
    this.exited = new Promise((resolvePromise) => {
      this.child.on('close', (code) => {
        if (partial.length > 0) this.lines.push(partial);
        this.exitCode = code;
        this.notify();
        resolvePromise(code);
      });
      this.child.on('error', (error) => {
        this.stderr += String(error);
        this.exitCode = -1;
        this.notify();
        resolvePromise(-1);
      });
    });
    LineProcess.running.add(this);
    void this.exited.then(() => LineProcess.running.delete(this));
  }

  /** Every process still running, so a suite's afterAll can stop what a failed test left behind. */
  static readonly running = new Set<LineProcess>();

  /** Kills every process still running (SIGKILL) and waits for them to exit. */
  static async killAll(): Promise<void> {
    const all = [...LineProcess.running];
    for (const p of all) p.child.kill('SIGKILL');
    await Promise.all(all.map((p) => p.exited));
  }

  /** Whether the process has exited. */
  get done(): boolean {
    return this.exitCode !== undefined;
  }

  /** Resolves once `predicate(lines)` holds; rejects after `timeoutMs`, or if the process exits first. */
  waitFor(predicate: (lines: readonly string[]) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const check = (): boolean => {
        if (predicate(this.lines)) {
          finish();
          resolvePromise();
          return true;
        }
        if (this.done) {
          finish();
          reject(new Error(`${this.name} exited (${this.exitCode}) before ${what}\nstdout:\n${this.lines.slice(-40).join('\n')}\nstderr:\n${this.stderr.slice(-3000)}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms\nstdout:\n${this.lines.slice(-40).join('\n')}\nstderr:\n${this.stderr.slice(-3000)}`));
      }, timeoutMs);
      const waiter = (): void => void check();
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      if (!check()) this.waiters.add(waiter);
    });
  }

  /** Sends `signal` (default SIGTERM) and waits for the exit, SIGKILLing after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
    if (this.done) return this.exitCode ?? null;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs` with `what()` in the message. */
export async function waitUntil(condition: () => boolean, what: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatLogLine } from './log-line.ts';

/** How a component process ended. */
export interface ProcessExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One process to start in a {@link ProcessGroup}. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

const COLORS = [36, 33, 35, 32, 34, 31];

/**
 * Runs several processes like a `run.sh` would, but with clean shutdown: every line they print
 * goes to the console prefixed with the process name (pino JSON lines made readable) and, as
 * printed, to `<logsDir>/<name>.log`. Each runs in its own process group, so a Ctrl-C on the
 * terminal reaches only the supervisor, which then asks each process to stop (SIGINT) once and
 * waits for it. If the supervisor itself exits, the processes still running are killed.
 *
 * @example
 * ```ts
 * const group = new ProcessGroup({ logsDir: 'logs', print: console.log });
 * group.start({ name: 'producer', command: process.execPath, args: ['--import', 'tsx', 'apps/transactions-producer.ts'] });
 * process.once('SIGINT', () => void group.stop());
 * const exits = await group.finished();
 * ```
 */
export class ProcessGroup {
  private readonly children = new Map<string, { child: ChildProcess; exited: Promise<ProcessExit>; log: WriteStream }>();
  private readonly width: number;
  private readonly killAll = (): void => {
    for (const { child } of this.children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  constructor(private readonly o: { logsDir: string; print: (line: string) => void; color?: boolean; names?: readonly string[]; onExit?: (exit: ProcessExit) => void }) {
    mkdirSync(o.logsDir, { recursive: true });
    this.width = Math.max(0, ...(o.names ?? []).map((n) => n.length));
    process.on('exit', this.killAll);
  }

  /**
   * Starts a process; its log file is written afresh.
   *
   * @example
   * ```ts
   * group.start({ name: 'counter', command: process.execPath, args: ['--import', 'tsx', 'apps/word-counter.ts'] });
   * ```
   */
  start(spec: ProcessSpec): void {
    const log = createWriteStream(join(this.o.logsDir, `${spec.name}.log`), { flags: 'w' });
    const child = spawn(spec.command, spec.args, { env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const color = COLORS[this.children.size % COLORS.length]!;
    const label = `[${spec.name}]`.padEnd(this.width + 2);
    const prefix = this.o.color ? `\x1b[${color}m${label}\x1b[0m ` : `${label} `;
    const pipe = (stream: NodeJS.ReadableStream): Promise<void> => {
      const lines = createInterface({ input: stream });
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        this.o.print(prefix + formatLogLine(line));
      });
      return new Promise((resolve) => lines.once('close', resolve));
    };
    const drained = Promise.all([pipe(child.stdout!), pipe(child.stderr!)]);
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('error', (e) => {
        this.o.print(`${prefix}could not start: ${e.message}`);
        resolve({ name: spec.name, code: 127, signal: null });
      });
      child.once('close', (code, signal) => resolve({ name: spec.name, code, signal }));
    }).then(async (exit) => {
      await drained;
      await new Promise((resolve) => log.end(resolve));
      this.o.onExit?.(exit);
      return exit;
    });
    this.children.set(spec.name, { child, exited, log });
  }

  /** Process ids of the processes started, by name. */
  pids(): Record<string, number> {
    return Object.fromEntries([...this.children].map(([name, { child }]) => [name, child.pid ?? -1]));
  }

  /** Whether the named process is still running. */
  isRunning(name: string): boolean {
    const c = this.children.get(name)?.child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /**
   * Asks every running process to stop (SIGINT, as Ctrl-C would), kills those still running after
   * `graceMs`, and resolves with how each ended.
   *
   * @example
   * ```ts
   * const exits = await group.stop();
   * ```
   */
  async stop(graceMs = 30_000): Promise<ProcessExit[]> {
    for (const [name, { child }] of this.children) if (this.isRunning(name)) child.kill('SIGINT');
    const timer = setTimeout(this.killAll, graceMs);
    try {
      return await this.finished();
    } finally {
      clearTimeout(timer);
      process.off('exit', this.killAll);
    }
  }

  /** Kills every running process at once (a second Ctrl-C). */
  kill(): void {
    this.killAll();
  }

  /** Resolves when every process has ended. */
  finished(): Promise<ProcessExit[]> {
    return Promise.all([...this.children.values()].map((c) => c.exited));
  }
}

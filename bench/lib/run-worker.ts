// Runs a benchmark worker (bench/workers/*.ts or a Python script) in a child process and reads its
// JSON-lines protocol on stdout: {"type":"mark",...} events, {"type":"progress","done":N} and one
// {"type":"result",...}. Anything else on stdout/stderr is kept for error messages.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A line a worker printed, with the time (Date.now()) the parent read it. */
export interface WorkerMessage {
  type: string;
  at: number;
  [field: string]: unknown;
}

/** How a worker is run. */
export interface WorkerOptions {
  /** Called for every protocol line as it arrives. */
  onMessage?: (message: WorkerMessage) => void;
  /** Called for every other stdout line (e.g. an app's JSON log lines). */
  onLine?: (line: string, at: number) => void;
  /** Kill the worker after this many ms (default 15 min). */
  timeoutMs?: number;
  /** Run with this interpreter instead of node+tsx (e.g. the venv's python). */
  interpreter?: string;
}

/** A started worker: `result` resolves with its result line; `kill()` stops it early. */
export interface RunningWorker {
  readonly pid: number;
  readonly result: Promise<WorkerMessage>;
  kill(): void;
}

/**
 * Starts `script` (relative to the repo root) with `args` as one JSON argument.
 *
 * @example
 * ```ts
 * const w = startWorker('bench/workers/produce-fetch.ts', { broker, count: 1000 });
 * const result = await w.result;
 * ```
 */
export function startWorker(script: string, args: object, options: WorkerOptions = {}): RunningWorker {
  const path = join(ROOT, script);
  // BENCH_CPU_PROF=DIR profiles every node worker (`node --cpu-prof`, one .cpuprofile per process in DIR).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const [cmd, argv] = options.interpreter ? [options.interpreter, ['-u', path]] : [process.execPath, [...prof, '--import', 'tsx', path]];
  const child = spawn(cmd, [...argv, JSON.stringify(args)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', SLUICE_LOG_FORMAT: 'json' } });
  let other = '';
  let buffered = '';
  let result: WorkerMessage | undefined;
  const keep = (text: string): void => {
    other = (other + text).slice(-8000);
  };
  const promise = new Promise<WorkerMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} timed out after ${options.timeoutMs ?? 900_000} ms; last output:\n${other}`));
    }, options.timeoutMs ?? 900_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let parsed: WorkerMessage | undefined;
        if (line.startsWith('{"type":')) {
          try {
            parsed = { ...(JSON.parse(line) as WorkerMessage), at: Date.now() };
          } catch {
            parsed = undefined;
          }
        }
        if (!parsed) {
          options.onLine?.(line, Date.now());
          keep(line + '\n');
          continue;
        }
        if (parsed.type === 'result') result = parsed;
        options.onMessage?.(parsed);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => keep(chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (result && code === 0) resolve(result);
      else reject(new Error(`${script} exited with ${signal ?? `code ${code}`}${result ? '' : ' before printing a result'}; last output:\n${other}`));
    });
  });
  return { pid: child.pid!, result: promise, kill: () => child.kill('SIGTERM') };
}

/**
 * Prints one protocol line from inside a worker.
 *
 * @example
 * ```ts
 * emit({ type: 'result', msgsPerSec: 1234 });
 * ```
 */
export function emit(message: { type: string; [field: string]: unknown }): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

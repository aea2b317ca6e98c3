// The brokers a benchmark runs against, each in its own process: the embedded sluice broker
// (started through the CLI entry, `sluice broker`) and real Apache Kafka (scripts/kafka/kafka.sh).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import getPort from 'get-port';

const execFileP = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const KAFKA_SH = join(ROOT, 'scripts/kafka/kafka.sh');
/** Where benchmark brokers keep their data; removed when each broker closes. */
export const BENCH_DATA_ROOT = '/tmp/sluice-bench';

/** Which broker a measurement ran against. */
export type BrokerKind = 'embedded' | 'kafka';

/** A broker process started for a benchmark. */
export interface BenchBroker {
  readonly kind: BrokerKind;
  /** `127.0.0.1:port` for clients. */
  readonly address: string;
  /** The process id of the broker itself (for /proc/<pid>/status). */
  readonly pid: number;
  /** Its data directory. */
  readonly dataDir: string;
  /** Stops the broker and removes its data directory. */
  close(): Promise<void>;
}

/** Human name of a broker kind in tables. */
export function brokerLabel(kind: BrokerKind, kafkaVersion?: string): string {
  return kind === 'embedded' ? 'embedded sluice broker' : `Apache Kafka${kafkaVersion ? ` ${kafkaVersion}` : ''}`;
}

function freshDir(kind: BrokerKind): string {
  const dir = join(BENCH_DATA_ROOT, `${kind}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Starts the embedded broker as a child process (`node --import tsx src/cli/main.ts broker`),
 * so it has its own event loop like Kafka has its own JVM. Resolves once it prints that it listens.
 *
 * @example
 * ```ts
 * const broker = await startEmbeddedBroker();
 * await broker.close();
 * ```
 */
export async function startEmbeddedBroker(options: { partitions?: number } = {}): Promise<BenchBroker> {
  const port = await getPort({ host: '127.0.0.1' });
  const dataDir = freshDir('embedded');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'broker', '--port', String(port), '--data-dir', dataDir, '--partitions', String(options.partitions ?? 1)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', SLUICE_LOG_FORMAT: 'json' } },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedded broker did not listen within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/listening on/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded broker exited with code ${code} during startup:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  child.stdout!.resume();
  child.stderr!.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    kind: 'embedded',
    address: `127.0.0.1:${port}`,
    pid: child.pid!,
    dataDir,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a single-node Apache Kafka (KRaft) from the Maven jars with `scripts/kafka/kafka.sh`
 * (installing the jars first if missing).
 *
 * @example
 * ```ts
 * const kafka = await startApacheKafka();
 * await kafka.close();
 * ```
 */
export async function startApacheKafka(): Promise<BenchBroker> {
  await execFileP('bash', [KAFKA_SH, 'install'], { cwd: ROOT });
  const port = await getPort({ host: '127.0.0.1' });
  const dataDir = freshDir('kafka');
  const { stdout } = await execFileP('bash', [KAFKA_SH, 'start', '--port', String(port), '--dir', dataDir], { cwd: ROOT, maxBuffer: 1 << 20 });
  const address = stdout.trim().split('\n').pop()!;
  const { readFileSync } = await import('node:fs');
  const pid = Number(readFileSync(join(dataDir, 'kafka.pid'), 'utf8').trim());
  return {
    kind: 'kafka',
    address,
    pid,
    dataDir,
    async close() {
      await execFileP('bash', [KAFKA_SH, 'stop', '--dir', dataDir], { cwd: ROOT }).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the broker of `kind`.
 *
 * @example
 * ```ts
 * const b = await startBenchBroker('embedded');
 * ```
 */
export function startBenchBroker(kind: BrokerKind): Promise<BenchBroker> {
  return kind === 'embedded' ? startEmbeddedBroker() : startApacheKafka();
}

/**
 * Resident set size of a process in bytes (VmRSS; VmHWM is the peak), from /proc/<pid>/status.
 *
 * @example
 * ```ts
 * const { rss, hwm } = await processMemory(broker.pid);
 * ```
 */
export async function processMemory(pid: number): Promise<{ rss: number; hwm: number }> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

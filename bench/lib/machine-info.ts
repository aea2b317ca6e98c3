// What machine and which versions a benchmark ran on (stated in BENCHMARKS.md).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** Machine, load and software versions at the time of a benchmark. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverage: [number, number, number];
  node: string;
  kafkajs: string;
  apacheKafka: string;
  python?: string;
  quixstreams?: string;
  confluentKafka?: string;
}

const ROOT = new URL('../../', import.meta.url).pathname;
/** The Python venv holding quixstreams (bench/.venv, gitignored). */
export const VENV_PYTHON = join(ROOT, 'bench/.venv/bin/python');

function run(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

/** The Apache Kafka version of the jars kafka.sh installed (from the kafka_2.13-X.jar name). */
export function apacheKafkaVersion(): string {
  const lib = join(ROOT, 'scripts/kafka/target/lib');
  if (!existsSync(lib)) return 'not installed';
  const jar = readdirSync(lib).find((f) => /^kafka_2\.13-.*\.jar$/.test(f));
  return jar ? jar.replace(/^kafka_2\.13-|\.jar$/g, '') : 'not installed';
}

/**
 * Collects cores, CPU model, memory, load average and versions.
 *
 * @example
 * ```ts
 * const info = machineInfo(); // { cores: 2, cpuModel: 'AMD EPYC', ... }
 * ```
 */
export function machineInfo(): MachineInfo {
  const lscpu = run('lscpu', []) ?? '';
  const model = /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const nproc = Number(run('nproc', []) ?? cpus().length);
  const kafkajs = JSON.parse(readFileSync(join(ROOT, 'node_modules/kafkajs/package.json'), 'utf8')).version as string;
  const info: MachineInfo = {
    cores: nproc,
    cpuModel: model,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) as [number, number, number],
    node: process.version,
    kafkajs,
    apacheKafka: apacheKafkaVersion(),
  };
  if (existsSync(VENV_PYTHON)) {
    info.python = run(VENV_PYTHON, ['-c', 'import platform; print(platform.python_version())']);
    info.quixstreams = run(VENV_PYTHON, ['-c', 'import importlib.metadata as m; print(m.version("quixstreams"))']);
    info.confluentKafka = run(VENV_PYTHON, ['-c', 'import importlib.metadata as m, confluent_kafka as c; print(m.version("confluent-kafka"), "(librdkafka " + c.libversion()[0] + ")")']);
  }
  return info;
}

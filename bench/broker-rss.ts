// Benchmark "broker-rss": resident memory of the embedded broker (a child process started through
// the CLI) while and after a large log is written to it.
import { execFileSync } from 'node:child_process';
import { BENCH_DATA_ROOT, processMemory, startEmbeddedBroker } from './lib/bench-broker.ts';
import { describeFailure, type ResultRow } from './lib/bench-result.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { startWorker } from './lib/run-worker.ts';
import { summarize } from './lib/stats.ts';

const VALUE_BYTES = 16 * 1024;
const BATCH = 64;
const IN_FLIGHT = 4;
const READ_MESSAGES = 20_000;
const READ_MIB = (READ_MESSAGES * 16) / 1024;
const MiB = 2 ** 20;

function freeBytes(path: string): number {
  const out = execFileSync('df', ['-B1', '--output=avail', path], { encoding: 'utf8' }).trim().split('\n').pop()!;
  return Number(out.trim());
}

function duBytes(path: string): number {
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
}

/**
 * Embedded broker RSS with a large log (default 5 GiB, less when the disk is short).
 *
 * @example
 * ```ts
 * const outcome = await brokerRss.run({ runs: 3, brokers: ['embedded'], progress });
 * ```
 */
export const brokerRss: Benchmark = {
  name: 'broker-rss',
  title: 'Embedded broker memory (RSS) with a large log',
  description:
    'The embedded broker runs as a child process (`node --import tsx src/cli/main.ts broker`). A kafkajs producer in ' +
    'another process writes a log of the stated size to one partition (16 KiB values, sends of 64 messages, 4 sends in ' +
    'flight, acks -1), then a consumer reads the first 20,000 messages (312.5 MiB) back from the beginning. VmRSS of the ' +
    'broker process is sampled from /proc/<pid>/status every 500 ms; reported: the peak (VmHWM), RSS after the write, and ' +
    'RSS after the read. The page cache is not part of RSS. `--messages N` sets the log size in MiB.',
  async run(ctx) {
    const notes: string[] = [];
    const free = freeBytes('/tmp');
    let target = (ctx.messages ?? 5 * 1024) * MiB;
    if (target * 1.5 > free) {
      const reduced = Math.floor(free / 3 / MiB / 1024) * 1024 * MiB;
      notes.push(`Only ${(free / 2 ** 30).toFixed(1)} GiB free on /tmp: the log was ${(reduced / 2 ** 30).toFixed(1)} GiB instead of ${(target / 2 ** 30).toFixed(1)} GiB.`);
      target = reduced;
    }
    const runs = Math.min(ctx.runs, 3);
    const peak: number[] = [];
    const afterWrite: number[] = [];
    const afterRead: number[] = [];
    const onDisk: number[] = [];
    const writeRate: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const broker = await startEmbeddedBroker();
      let maxRss = 0;
      const sampler = setInterval(() => {
        processMemory(broker.pid).then((m) => (maxRss = Math.max(maxRss, m.rss)), () => undefined);
      }, 500);
      try {
        const task = ctx.progress.task(`write ${(target / 2 ** 30).toFixed(1)} GiB to the embedded broker, run ${run}/${runs}`, target);
        let written = 0;
        let rssWritten = 0;
        const worker = startWorker(
          'bench/workers/produce-fill.ts',
          { broker: broker.address, topic: `big-${run}`, totalBytes: target, valueBytes: VALUE_BYTES, batch: BATCH, inFlight: IN_FLIGHT, readMessages: Math.min(READ_MESSAGES, Math.floor(target / VALUE_BYTES)) },
          {
            timeoutMs: 1_800_000,
            onMessage: (m) => {
              if (m.type === 'progress') task.update(Number(m.done));
              if (m.type === 'mark') {
                written = Number(m.bytes);
                writeRate.push(written / MiB / (Number(m.writeMs) / 1000));
                void processMemory(broker.pid).then((mem) => (rssWritten = mem.rss));
              }
            },
          },
        );
        await worker.result;
        task.stop();
        await new Promise((r) => setTimeout(r, 2000));
        const mem = await processMemory(broker.pid);
        peak.push(Math.max(mem.hwm, maxRss) / MiB);
        afterWrite.push(rssWritten / MiB);
        afterRead.push(mem.rss / MiB);
        onDisk.push(duBytes(broker.dataDir) / 2 ** 30);
        if (written < target) notes.push(`run ${run}: wrote ${written} of ${target} bytes`);
      } catch (error) {
        notes.push(`run ${run}: ${describeFailure(error)}`);
      } finally {
        clearInterval(sampler);
        await broker.close();
      }
    }
    const label = 'embedded sluice broker';
    const rows: ResultRow[] = [
      { subject: 'log on disk (GiB)', broker: label, metric: 'GiB', summary: summarize(onDisk) },
      { subject: 'RSS after writing the log', broker: label, metric: 'MiB', summary: summarize(afterWrite) },
      { subject: `RSS after reading ${READ_MIB} MiB back`, broker: label, metric: 'MiB', summary: summarize(afterRead) },
      { subject: 'peak RSS (VmHWM)', broker: label, metric: 'MiB', summary: summarize(peak) },
      { subject: 'write rate while filling', broker: label, metric: 'MiB/s', summary: summarize(writeRate) },
    ];
    return {
      params: { logBytes: target, valueBytes: VALUE_BYTES, batch: BATCH, inFlight: IN_FLIGHT, readMessages: READ_MESSAGES, dataRoot: BENCH_DATA_ROOT },
      tables: [{ title: `Embedded broker RSS, ${(target / 2 ** 30).toFixed(1)} GiB log (target < 200 MiB)`, rows }],
      notes,
    };
  },
};

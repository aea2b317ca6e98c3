// Benchmark "latency": end-to-end latency of the stateless pipeline at fixed input rates, with the
// load generator and the measuring consumer each in their own process.
import { pino } from 'pino';
import { createKafkaClient } from '../src/kafka/create-kafka-client.ts';
import { brokerLabel, startBenchBroker } from './lib/bench-broker.ts';
import { describeFailure, type ResultRow, type ResultTable } from './lib/bench-result.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { clickEvent } from './lib/clickstream.ts';
import { apacheKafkaVersion } from './lib/machine-info.ts';
import { peakRssMb } from './lib/proc-stats.ts';
import { startWorker } from './lib/run-worker.ts';
import { summarize } from './lib/stats.ts';

/** The pipelines measured (the stateless benchmark's workers). */
export const LATENCY_VARIANTS = [
  { subject: 'sluice (native client)', script: 'bench/workers/stateless-sluice.ts', args: { client: 'native' } },
  { subject: 'sluice (kafkajs)', script: 'bench/workers/stateless-sluice.ts', args: { client: 'kafkajs' } },
  { subject: 'hand-written kafkajs', script: 'bench/workers/stateless-kafkajs.ts', args: {} },
] as const;
const WARMUP_MS = 2000;

/** One measured run's figures. */
export interface LatencyRun {
  p50: number;
  p99: number;
  max: number;
  count: number;
  appRssMb: number;
}

/**
 * Runs one pipeline worker against a load of `rate` msgs/s for `seconds` (after a warm-up) and
 * measures the latency of its outputs from a probe process.
 *
 * @example
 * ```ts
 * const r = await latencyRun({ address, variant: LATENCY_VARIANTS[0], rate: 1000, seconds: 10 });
 * ```
 */
export async function latencyRun(o: { address: string; variant: (typeof LATENCY_VARIANTS)[number]; rate: number; seconds: number }): Promise<LatencyRun> {
  const tag = `${o.variant.subject.replace(/\W+/g, '-')}-${o.rate}-${Date.now()}`;
  const [input, output] = [`lat-in-${tag}`, `lat-out-${tag}`];
  const client = createKafkaClient({ brokerAddress: o.address, clientId: 'bench-latency', logger: pino({ level: 'silent' }), client: 'native' });
  try {
    await client.admin.createTopics([{ name: input, numPartitions: 1, replicationFactor: 1 }, { name: output, numPartitions: 1, replicationFactor: 1 }]);
    // one priming record: the app says "first" once it runs and has joined its group
    const primer = client.producer();
    const e = clickEvent(1);
    await primer.send([{ topic: input, key: Buffer.from(e.user), value: Buffer.from(JSON.stringify(e)), headers: {}, timestamp: 0 }]);
    await primer.close();
  } finally {
    await client.close();
  }
  let appFirst: () => void = () => {};
  const firstSeen = new Promise<void>((r) => (appFirst = r));
  const app = startWorker(o.variant.script, { broker: o.address, input, output, group: `lat-g-${tag}`, ...o.variant.args }, { onMessage: (m) => m.type === 'first' && appFirst() });
  app.result.catch(() => undefined);
  try {
    await Promise.race([firstSeen, app.result.then(() => Promise.reject(new Error('the pipeline exited before processing'))), new Promise((_, reject) => setTimeout(() => reject(new Error('the pipeline processed nothing within 90 s')), 90_000))]);
    const warmup = Math.round((o.rate * WARMUP_MS) / 1000);
    const expected = Math.round(o.rate * o.seconds);
    let probeReady: () => void = () => {};
    const ready = new Promise<void>((r) => (probeReady = r));
    const probe = startWorker('bench/workers/latency-probe.ts', { broker: o.address, topic: output, group: `probe-${tag}`, warmup, expected, timeoutMs: WARMUP_MS + o.seconds * 1000 + 60_000 }, { onMessage: (m) => m.type === 'ready' && probeReady() });
    await ready;
    const generator = startWorker('bench/workers/load-generator.ts', { broker: o.address, topic: input, rate: o.rate, seconds: WARMUP_MS / 1000 + o.seconds });
    const sent = await generator.result;
    const result = await probe.result;
    const rss = peakRssMb(app.pid);
    if ((result.count as number) < expected) throw new Error(`only ${String(result.count)} of ${expected} measured records reached the output within 60 s of the last send`);
    if (Number(sent.seconds) > (WARMUP_MS / 1000 + o.seconds) * 1.2) throw new Error(`the load generator could not keep ${o.rate} msgs/s (it took ${Number(sent.seconds).toFixed(1)} s): the machine is too busy for this rate`);
    return { p50: result.p50 as number, p99: result.p99 as number, max: result.max as number, count: result.count as number, appRssMb: rss };
  } finally {
    app.kill();
    await app.result.catch(() => undefined);
  }
}

/**
 * Latency p50/p99 of the stateless pipeline at 1k and 10k msgs/s.
 *
 * @example
 * ```ts
 * const outcome = await latency.run({ runs: 3, brokers: ['embedded'], progress });
 * ```
 */
export const latency: Benchmark = {
  name: 'latency',
  title: 'Latency: stateless pipeline at 1k and 10k msgs/s',
  description:
    'A load generator (its own process, native producer, 5 ms ticks) writes click events at a fixed rate to a 1-partition topic, each ' +
    'stamped with the time it was handed to the producer. The pipeline (the stateless benchmark’s filter → transform → produce, in its own ' +
    'process, already joined: it has processed a priming record) writes them on with their timestamps, acks -1; a probe (its own process, ' +
    'native consumer) reads the output and records now − timestamp for every record after the first 2 s worth (the warm-up). ' +
    'Figures: p50 and p99 in ms (median of the runs), and the pipeline’s peak RSS.',
  async run(ctx) {
    const seconds = ctx.messages ? Math.max(2, Math.round(ctx.messages / 1000)) : 10;
    const rates = [1000, 10_000];
    const tables: ResultTable[] = [];
    const notes: string[] = [];
    for (const kind of ctx.brokers) {
      const label = brokerLabel(kind, apacheKafkaVersion());
      const broker = await startBenchBroker(kind);
      const rows: ResultRow[] = [];
      try {
        for (const rate of rates) {
          const figures = new Map(LATENCY_VARIANTS.map((v) => [v.subject, { p50: [] as number[], p99: [] as number[], rss: [] as number[] }]));
          for (let run = 1; run <= ctx.runs; run++) {
            const order = LATENCY_VARIANTS.map((_, i) => LATENCY_VARIANTS[(i + run - 1) % LATENCY_VARIANTS.length]!);
            for (const variant of order) {
              const task = ctx.progress.task(`${variant.subject} @ ${rate}/s, ${label}, run ${run}`, 1);
              try {
                const r = await latencyRun({ address: broker.address, variant, rate, seconds });
                const f = figures.get(variant.subject)!;
                f.p50.push(r.p50);
                f.p99.push(r.p99);
                f.rss.push(r.appRssMb);
              } catch (error) {
                notes.push(`${variant.subject} @ ${rate}/s, ${label}, run ${run}: ${describeFailure(error)}`);
              }
              task.stop();
            }
          }
          for (const [subject, f] of figures) {
            rows.push({ subject: `${subject} @ ${rate / 1000}k msgs/s`, broker: label, metric: 'p50 ms', summary: summarize(f.p50) });
            const goals = subject.startsWith('sluice (native') && rate === 10_000;
            rows.push({ subject: `${subject} @ ${rate / 1000}k msgs/s`, broker: label, metric: 'p99 ms', summary: summarize(f.p99), ...(goals ? { targetAtMost: 20 } : {}) });
            rows.push({ subject: `${subject} @ ${rate / 1000}k msgs/s`, broker: label, metric: 'peak RSS MiB', summary: summarize(f.rss), ...(goals ? { targetAtMost: 200 } : {}) });
          }
        }
      } finally {
        await broker.close();
      }
      tables.push({ title: `end-to-end latency, ${seconds} s measured per run, ${label}`, rows });
    }
    return { params: { rates, measuredSeconds: seconds, warmupMs: WARMUP_MS, partitions: 1, acks: -1 }, tables, notes };
  },
};

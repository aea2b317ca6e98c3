// Benchmark "stateless": consume → filter → transform → produce, the same work in sluice on the
// native client, sluice on kafkajs, a hand-written kafkajs loop, Quix Streams and a hand-written
// librdkafka loop (confluent-kafka, Python), on the same broker and pre-filled input, interleaved.
import { existsSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { createKafkaClient } from '../src/kafka/create-kafka-client.ts';
import { brokerLabel, startBenchBroker } from './lib/bench-broker.ts';
import { describeFailure, withRatios, type ResultRow, type ResultTable } from './lib/bench-result.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { clickEvent, keptCount } from './lib/clickstream.ts';
import { apacheKafkaVersion, VENV_PYTHON } from './lib/machine-info.ts';
import { timedOutputRun } from './lib/output-run.ts';
import { summarize } from './lib/stats.ts';

/** The measured variants; `reference` rows are what ratios are taken against. */
export const STATELESS_VARIANTS = [
  { subject: 'sluice (native client)', script: 'bench/workers/stateless-sluice.ts', args: { client: 'native' }, python: false },
  { subject: 'sluice (kafkajs)', script: 'bench/workers/stateless-sluice.ts', args: { client: 'kafkajs' }, python: false },
  { subject: 'hand-written kafkajs', script: 'bench/workers/stateless-kafkajs.ts', args: {}, python: false },
  { subject: 'Quix Streams', script: 'bench/quix/stateless_quix.py', args: {}, python: true },
  { subject: 'librdkafka loop (confluent-kafka)', script: 'bench/quix/stateless_confluent.py', args: {}, python: true },
] as const;
const RUN_TIMEOUT_MS = 150_000;

/** Writes events 0..count-1 (JSON, keyed by user) to a new 1-partition topic with the native producer. */
export async function prefillClicks(address: string, topic: string, count: number): Promise<void> {
  const client = createKafkaClient({ brokerAddress: address, clientId: 'bench-prefill', logger: pino({ level: 'silent' }), client: 'native' });
  try {
    await client.admin.createTopics([{ name: topic, numPartitions: 1, replicationFactor: 1 }]);
    const producer = client.producer();
    const sends: Promise<void>[] = [];
    for (let start = 0; start < count; start += 5000) {
      const records = [];
      for (let i = start; i < Math.min(count, start + 5000); i++) {
        const e = clickEvent(i);
        records.push({ topic, key: Buffer.from(e.user), value: Buffer.from(JSON.stringify(e)), headers: {}, timestamp: e.ts });
      }
      sends.push(producer.send(records));
      if (sends.length >= 8) await sends.shift();
    }
    await Promise.all(sends);
    await producer.close();
  } finally {
    await client.close();
  }
}

/** Per subject: input rates, CPU-seconds and peak RSS of the runs. */
export type VariantFigures = Map<string, { input: number[]; cpu: number[]; rss: number[] }>;

/**
 * Runs every variant `runs` times on `address` (rotating which goes first), recording rates,
 * CPU-seconds from the first message to the last output, and peak RSS.
 *
 * @example
 * ```ts
 * const figures = await runStateless({ address, count: 50_000, runs: 3, progress, notes, label });
 * ```
 */
export async function runStateless(o: { address: string; count: number; runs: number; progress: Parameters<Benchmark['run']>[0]['progress']; notes: string[]; label: string; only?: readonly string[] }): Promise<VariantFigures> {
  const variants = STATELESS_VARIANTS.filter((v) => (!v.python || existsSync(VENV_PYTHON)) && (!o.only || o.only.includes(v.subject)));
  if (!existsSync(VENV_PYTHON)) o.notes.push('bench/.venv is missing: Quix Streams and the librdkafka loop were not run (python3 -m venv bench/.venv && bench/.venv/bin/pip install quixstreams)');
  const figures: VariantFigures = new Map(variants.map((v) => [v.subject, { input: [], cpu: [], rss: [] }]));
  const kafka = new Kafka({ clientId: 'bench-stateless', brokers: [o.address], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const input = `clicks-${Date.now()}`;
    const fill = o.progress.task(`prefill ${o.count} events`, o.count);
    await prefillClicks(o.address, input, o.count);
    fill.stop();
    const expected = keptCount(o.count);
    const failed = new Set<string>();
    for (let run = 1; run <= o.runs; run++) {
      const order = variants.map((_, i) => variants[(i + run - 1) % variants.length]!);
      for (const v of order) {
        if (failed.has(v.subject)) continue;
        const tag = `${v.subject.replace(/\W+/g, '-')}-${run}-${Date.now()}`;
        try {
          const r = await timedOutputRun({
            admin,
            progress: o.progress,
            label: `${v.subject} @ ${o.label}`,
            script: v.script,
            ...(v.python ? { interpreter: VENV_PYTHON } : {}),
            args: { broker: o.address, input, output: `out-${tag}`, group: `g-${tag}`, ...v.args },
            output: `out-${tag}`,
            inputCount: o.count,
            expected,
            timeoutMs: RUN_TIMEOUT_MS,
          });
          const f = figures.get(v.subject)!;
          f.input.push(r.inputRate);
          f.cpu.push(r.cpuSeconds);
          f.rss.push(r.peakRssMb);
          if (r.extra !== 0) o.notes.push(`${v.subject} @ ${o.label}, run ${run}: ${r.extra} records more than expected (duplicates).`);
        } catch (error) {
          failed.add(v.subject);
          o.notes.push(`${v.subject} @ ${o.label}, run ${run} failed, later runs skipped: ${describeFailure(error)}`);
        }
      }
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return figures;
}

/**
 * Stateless pipeline throughput, CPU and memory of sluice (both clients) against the alternatives.
 *
 * @example
 * ```ts
 * const outcome = await stateless.run({ runs: 5, brokers: ['embedded'], progress });
 * ```
 */
export const stateless: Benchmark = {
  name: 'stateless',
  title: 'Stateless pipeline: consume → filter → transform → produce',
  description:
    'N click events of ~120 bytes of JSON (`{id, user, action, amount, page, ts}`, keyed by user) are pre-filled into a 1-partition ' +
    'topic. Each variant, in its own process, consumes them from the beginning in a new group, drops page views (¼), reshapes the rest ' +
    'and produces them keyed by user to a new 1-partition topic with acks -1: sluice `.filter().apply().toTopic(out, { key })` on the ' +
    'native client and on kafkajs; a hand-written kafkajs `eachBatch` loop (sends of 1000 in flight together); Quix Streams 3 ' +
    '(`sdf.filter().apply().to_topic()`); a hand-written librdkafka loop (confluent-kafka: consume 10k, produce, flush, commit). ' +
    'Time runs from the first message the variant processes until the output high watermark reaches the expected count (polled every 25 ms). ' +
    'CPU-seconds are the worker process’s user+system time over the same span (/proc), RSS its peak (VmHWM). Variants rotate order run to run.',
  async run(ctx) {
    const count = ctx.messages ?? 200_000;
    const tables: ResultTable[] = [];
    const notes: string[] = [];
    for (const kind of ctx.brokers) {
      const label = brokerLabel(kind, apacheKafkaVersion());
      const broker = await startBenchBroker(kind);
      let figures: VariantFigures = new Map();
      try {
        figures = await runStateless({ address: broker.address, count, runs: ctx.runs, progress: ctx.progress, notes, label });
      } catch (error) {
        notes.push(`${label}: ${describeFailure(error)}`);
      } finally {
        await broker.close();
      }
      const rows: ResultRow[] = [];
      for (const [subject, f] of figures) rows.push({ subject, broker: label, metric: 'input msgs/s', summary: summarize(f.input) });
      for (const [subject, f] of figures) rows.push({ subject, broker: label, metric: 'CPU-seconds per run', summary: summarize(f.cpu) });
      for (const [subject, f] of figures) rows.push({ subject, broker: label, metric: 'input msgs per CPU-second', summary: summarize(f.cpu.map((c) => count / c)) });
      for (const [subject, f] of figures) rows.push({ subject, broker: label, metric: 'peak RSS MiB', summary: summarize(f.rss), ...(subject.startsWith('sluice (native') ? { targetAtMost: 200 } : {}) });
      const table = withRatios({ title: `${count} events, ${label}`, rows }, (ref, row) => ref.subject === 'hand-written kafkajs' && ref.broker === row.broker, 'hand-written kafkajs');
      tables.push(table);
      tables.push(withRatios({ title: `${count} events, ${label}: against Quix Streams`, rows: rows.filter((r) => r.metric === 'input msgs/s').map((r) => ({ ...r })) }, (ref, row) => ref.subject === 'Quix Streams' && ref.broker === row.broker, 'Quix Streams'));
    }
    return { params: { messages: count, inputPartitions: 1, outputPartitions: 1, acks: -1 }, tables, notes };
  },
};

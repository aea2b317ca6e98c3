// Benchmark "guarantees": the same stateful pipeline (keyed running count with durable state and
// a changelog) under at-least-once and exactly-once processing, on both Kafka clients, interleaved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Message } from 'kafkajs';
import { brokerLabel, startBenchBroker } from './lib/bench-broker.ts';
import { describeFailure, withRatios, type ResultRow, type ResultTable } from './lib/bench-result.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { apacheKafkaVersion } from './lib/machine-info.ts';
import { timedOutputRun } from './lib/output-run.ts';
import { summarize } from './lib/stats.ts';

const KEYS = 100;
const PARTITIONS = 3;
/** Kafka Streams' default commit interval under exactly-once: every checkpoint a transaction. */
const COMMIT_INTERVAL_MS = 100;
const STEADY: [number, number] = [0.1, 0.9];
const VARIANTS = [
  { client: 'kafkajs', guarantee: 'at-least-once' },
  { client: 'kafkajs', guarantee: 'exactly-once' },
  { client: 'native', guarantee: 'at-least-once' },
  { client: 'native', guarantee: 'exactly-once' },
] as const;
const subjectOf = (v: (typeof VARIANTS)[number]): string => `sluice ${v.guarantee} (${v.client})`;

/** N events `{key, amount}` over KEYS keys, keyed, into a new PARTITIONS-partition topic. */
async function prefill(kafka: Kafka, admin: Admin, topic: string, count: number): Promise<void> {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let start = 0; start < count; start += 1000) {
    const messages: Message[] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) messages.push({ key: `k${i % KEYS}`, value: JSON.stringify({ key: `k${i % KEYS}`, amount: i % 100 }) });
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

/**
 * Exactly-once against at-least-once on the same stateful pipeline, per client and broker.
 *
 * @example
 * ```ts
 * const outcome = await guarantees.run({ runs: 5, brokers: ['embedded'], progress });
 * ```
 */
export const guarantees: Benchmark = {
  name: 'guarantees',
  title: 'Processing guarantees: exactly-once vs at-least-once on a stateful pipeline',
  description:
    `N events \`{key, amount}\` over ${KEYS} keys are pre-filled into a ${PARTITIONS}-partition topic. The worker of the stateful ` +
    'benchmark (keyed running count in durable LMDB state with a changelog topic, one `{key, count}` output per event to a ' +
    `1-partition topic) runs with \`processingGuarantee\` 'at-least-once' and 'exactly-once', on kafkajs and on the native client, ` +
    `each in its own process, new group and state directory, \`commitInterval\` ${COMMIT_INTERVAL_MS} ms. Exactly-once on kafkajs ` +
    `uses one transactional producer per input partition (${PARTITIONS} transactions per checkpoint), on the native client one per instance. ` +
    'The output topic’s last stable offset is polled every 25 ms (exactly-once outputs count only once their transaction ' +
    'committed; the commit markers, one per transaction, are counted with them: < 0.5 % of N). The steady rate is timed while the ' +
    'output grows from 10 % to 90 % of N (no start-up, no wait for the last commit); the whole-run rate from the first processed ' +
    'event to the last output (it includes up to one commit interval of waiting for the last transaction). CPU-seconds are the ' +
    'worker’s user+system time over the steady span (/proc). Variants rotate order run to run; medians.',
  async run(ctx) {
    const count = ctx.messages ?? 200_000;
    const tables: ResultTable[] = [];
    const notes: string[] = [];
    for (const kind of ctx.brokers) {
      const label = brokerLabel(kind, apacheKafkaVersion());
      const figures = new Map(VARIANTS.map((v) => [subjectOf(v), { steady: [] as number[], whole: [] as number[], perCpu: [] as number[] }]));
      const broker = await startBenchBroker(kind);
      const kafka = new Kafka({ clientId: 'bench-guarantees', brokers: [broker.address], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      const failed = new Set<string>();
      try {
        await admin.connect();
        const input = `guarantees-${Date.now()}`;
        const fill = ctx.progress.task(`prefill ${count} events @ ${kind}`, count);
        await prefill(kafka, admin, input, count);
        fill.stop();
        for (let run = 1; run <= ctx.runs; run++) {
          const order = VARIANTS.map((_, i) => VARIANTS[(i + run - 1) % VARIANTS.length]!);
          for (const v of order) {
            const subject = subjectOf(v);
            if (failed.has(subject)) continue;
            const tag = `${v.client}-${v.guarantee}-${run}-${Date.now()}`;
            const stateDir = mkdtempSync(join(tmpdir(), 'sluice-bench-guarantees-'));
            const args = { broker: broker.address, input, output: `out-${tag}`, group: `g-${tag}`, mode: 'count', stateDir, guarantee: v.guarantee, client: v.client, commitInterval: COMMIT_INTERVAL_MS };
            try {
              const r = await timedOutputRun({ admin, progress: ctx.progress, label: `${subject} @ ${kind} run ${run}`, script: 'bench/workers/stateful-sluice.ts', args, output: args.output, inputCount: count, expected: count, steadyWindow: STEADY });
              if (!r.steady) throw new Error(`the output jumped past ${STEADY[0] * 100}–${STEADY[1] * 100} % of ${count} records between two polls: no steady window to time (use more --messages)`);
              const f = figures.get(subject)!;
              f.steady.push(r.steady.inputRate);
              f.whole.push(r.inputRate);
              f.perCpu.push(((STEADY[1] - STEADY[0]) * count) / r.steady.cpuSeconds);
            } catch (error) {
              failed.add(subject);
              notes.push(`${subject} @ ${label}, run ${run} failed, later runs skipped: ${describeFailure(error)}`);
            } finally {
              rmSync(stateDir, { recursive: true, force: true });
            }
          }
        }
      } catch (error) {
        notes.push(`${label}: ${describeFailure(error)}`);
      } finally {
        await admin.disconnect().catch(() => undefined);
        await broker.close();
      }
      const rows: ResultRow[] = [];
      for (const [subject, f] of figures) rows.push({ subject, broker: label, metric: 'input events/s, steady (10–90 % of outputs)', summary: summarize(f.steady) });
      for (const [subject, f] of figures) rows.push({ subject, broker: label, metric: 'input events/s, first event to last output', summary: summarize(f.whole) });
      for (const [subject, f] of figures) rows.push({ subject, broker: label, metric: 'input events per CPU-second, steady', summary: summarize(f.perCpu) });
      const clientOf = (subject: string): string => subject.slice(subject.indexOf('('));
      tables.push(
        withRatios(
          { title: `${count} events, ${KEYS} keys, ${PARTITIONS} input partitions, commitInterval ${COMMIT_INTERVAL_MS} ms, ${label}`, rows },
          (ref, row) => ref.subject.includes('at-least-once') && clientOf(ref.subject) === clientOf(row.subject) && ref.broker === row.broker,
          'at-least-once on the same client',
        ),
      );
    }
    return { params: { messages: count, keys: KEYS, inputPartitions: PARTITIONS, outputPartitions: 1, commitIntervalMs: COMMIT_INTERVAL_MS }, tables, notes };
  },
};

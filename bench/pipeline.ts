// Benchmark "pipeline": the text-splitter in sluice vs the same work hand-written on kafkajs,
// on the same broker and the same pre-filled input topic, runs interleaved.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin, type Message } from 'kafkajs';
import { brokerLabel, startBenchBroker } from './lib/bench-broker.ts';
import { describeFailure, withRatios, type ResultRow, type ResultTable } from './lib/bench-result.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { apacheKafkaVersion } from './lib/machine-info.ts';
import { timedOutputRun } from './lib/output-run.ts';
import { splitWords, type BenchJoke } from './lib/split-words.ts';
import { summarize } from './lib/stats.ts';

const JOKES = JSON.parse(readFileSync(new URL('../data/jokes.json', import.meta.url), 'utf8')) as BenchJoke[];
const VARIANTS = [
  { subject: 'sluice Application', worker: 'bench/workers/text-splitter-sluice.ts' },
  { subject: 'hand-written kafkajs', worker: 'bench/workers/text-splitter-kafkajs.ts' },
] as const;
const POLL_MS = 25;
/** A variant that has not produced all its records this long after its first message is stopped and reported. */
const RUN_TIMEOUT_MS = 150_000;

/** Writes `count` jokes (cycling data/jokes.json, ids 1..count) to `topic`; returns the number of words they hold. */
async function prefill(kafka: Kafka, admin: Admin, topic: string, count: number): Promise<number> {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let words = 0;
  for (let start = 0; start < count; start += 1000) {
    const messages: Message[] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const base = JOKES[i % JOKES.length];
      const joke: BenchJoke = { id: i + 1, category: base.category, text: base.text };
      words += splitWords(joke.text).length;
      messages.push({ key: String(joke.id), value: JSON.stringify(joke) });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  return words;
}

/**
 * Text-splitter throughput, sluice vs hand-written kafkajs, per broker.
 *
 * @example
 * ```ts
 * const outcome = await pipeline.run({ runs: 5, brokers: ['embedded'], progress });
 * ```
 */
export const pipeline: Benchmark = {
  name: 'pipeline',
  title: 'Pipeline: text-splitter, sluice vs hand-written kafkajs',
  description:
    'N jokes-like JSON messages (`{id, category, text}`, data/jokes.json cycled, ~150 bytes) are pre-filled into a ' +
    '1-partition topic. Each variant, in its own process, consumes them from the beginning in a new consumer group, ' +
    'parses the JSON, splits the text into lowercase words and produces `{word, joke_id}` keyed by word (JSON) to a new ' +
    '1-partition topic with acks -1. sluice: `app.dataframe(jokes).expand(split).toTopic(words, { key })`; ' +
    'hand-written: kafkajs `eachBatch` + `producer.send` in chunks of 1000 records all in flight together, the same split function. Time runs from the first input ' +
    'message the variant processes (startup and group join excluded) until the output topic’s high watermark ' +
    '(admin.fetchTopicOffsets, polled every 25 ms from the benchmark process) reaches the expected number of words. ' +
    'The variants alternate order from run to run. Rates: input messages/s (and output records/s).',
  async run(ctx) {
    const count = ctx.messages ?? 200_000;
    const tables: ResultTable[] = [];
    const notes: string[] = [];
    let expected = 0;
    for (const kind of ctx.brokers) {
      const label = brokerLabel(kind, apacheKafkaVersion());
      const rates = new Map<string, { input: number[]; output: number[] }>(VARIANTS.map((v) => [v.subject, { input: [], output: [] }]));
      const broker = await startBenchBroker(kind);
      const kafka = new Kafka({ clientId: 'bench-pipeline', brokers: [broker.address], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      try {
        await admin.connect();
        const input = `jokes-${Date.now()}`;
        const fill = ctx.progress.task(`prefill ${count} jokes @ ${kind}`, count);
        expected = await prefill(kafka, admin, input, count);
        fill.stop();
        const failed = new Set<string>();
        for (let run = 1; run <= ctx.runs; run++) {
          const order = run % 2 === 1 ? VARIANTS : [...VARIANTS].reverse();
          for (const variant of order) {
            if (failed.has(variant.subject)) continue;
            const tag = `${variant.subject.split(' ')[0]}-${run}-${Date.now()}`;
            try {
              const r = await timedOutputRun({
                admin,
                progress: ctx.progress,
                label: `${variant.subject} @ ${broker.kind}: ${tag}`,
                script: variant.worker,
                args: { broker: broker.address, input, output: `words-${tag}`, group: `group-${tag}` },
                output: `words-${tag}`,
                inputCount: count,
                expected,
                timeoutMs: RUN_TIMEOUT_MS,
              });
              rates.get(variant.subject)!.input.push(r.inputRate);
              rates.get(variant.subject)!.output.push(expected / r.seconds);
              if (r.extra !== 0) notes.push(`${variant.subject} @ ${label}, run ${run}: the output topic had ${r.extra} records more than expected (duplicates).`);
            } catch (error) {
              failed.add(variant.subject);
              notes.push(`${variant.subject} @ ${label}, run ${run} failed, later runs skipped: ${describeFailure(error)}`);
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
      for (const v of VARIANTS) rows.push({ subject: v.subject, broker: label, metric: 'input msgs/s', summary: summarize(rates.get(v.subject)!.input) });
      for (const v of VARIANTS) rows.push({ subject: v.subject, broker: label, metric: 'output records/s', summary: summarize(rates.get(v.subject)!.output) });
      tables.push(withRatios({ title: `${count} jokes → ${expected} words, ${label}`, rows }, (ref, row) => ref.subject === 'hand-written kafkajs' && ref.broker === row.broker, 'hand-written'));
    }
    return { params: { messages: count, outputRecords: expected, inputPartitions: 1, outputPartitions: 1, acks: -1, pollMs: POLL_MS }, tables, notes };
  },
};

// Benchmark "client-throughput": how fast each client produces and consumes on its own — the
// ceilings the pipelines run under: sluice's native client, kafkajs, librdkafka (confluent-kafka).
import { existsSync } from 'node:fs';
import { brokerLabel, startBenchBroker } from './lib/bench-broker.ts';
import { describeFailure, withRatios, type ResultRow, type ResultTable } from './lib/bench-result.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { apacheKafkaVersion, VENV_PYTHON } from './lib/machine-info.ts';
import { startWorker } from './lib/run-worker.ts';
import { summarize } from './lib/stats.ts';

const VALUE_BYTES = 100;
const CLIENTS = [
  { subject: 'sluice native client', script: 'bench/workers/client-throughput.ts', args: { client: 'native' }, python: false },
  { subject: 'kafkajs', script: 'bench/workers/client-throughput.ts', args: { client: 'kafkajs' }, python: false },
  { subject: 'librdkafka (confluent-kafka)', script: 'bench/quix/client_throughput_confluent.py', args: {}, python: true },
] as const;

/**
 * Raw producer and consumer rates and CPU of each client.
 *
 * @example
 * ```ts
 * const outcome = await clientThroughput.run({ runs: 3, brokers: ['embedded'], progress });
 * ```
 */
export const clientThroughput: Benchmark = {
  name: 'client-throughput',
  title: 'Client ceilings: produce and consume, sluice native client vs kafkajs vs librdkafka',
  description:
    'Each client in its own process produces N values of 100 bytes to a new 1-partition topic (acks -1; node clients: sends of 1000 ' +
    'records, 8 in flight; librdkafka: produce() per record, linger 5 ms, then flush), timed from the first send to the last ' +
    'acknowledgement, then reads them back in a new consumer group, timed from the first batch to the last record. CPU-seconds are ' +
    'the worker’s own user+system time over each phase. Clients rotate order run to run.',
  async run(ctx) {
    const count = ctx.messages ?? 500_000;
    const tables: ResultTable[] = [];
    const notes: string[] = [];
    const clients = CLIENTS.filter((c) => !c.python || existsSync(VENV_PYTHON));
    if (clients.length < CLIENTS.length) notes.push('bench/.venv is missing: librdkafka was not run (python3 -m venv bench/.venv && bench/.venv/bin/pip install quixstreams)');
    for (const kind of ctx.brokers) {
      const label = brokerLabel(kind, apacheKafkaVersion());
      const figures = new Map(clients.map((c) => [c.subject, { produce: [] as number[], produceCpu: [] as number[], fetch: [] as number[], fetchCpu: [] as number[] }]));
      const broker = await startBenchBroker(kind);
      try {
        for (let run = 1; run <= ctx.runs; run++) {
          const order = clients.map((_, i) => clients[(i + run - 1) % clients.length]!);
          for (const c of order) {
            const task = ctx.progress.task(`${c.subject} @ ${label}, run ${run}`, 1);
            try {
              const r = await startWorker(c.script, { broker: broker.address, topic: `ceiling-${run}-${Date.now()}`, count, batch: 1000, inFlight: 8, valueBytes: VALUE_BYTES, ...c.args }, c.python ? { interpreter: VENV_PYTHON } : {}).result;
              const f = figures.get(c.subject)!;
              f.produce.push(Number(r.produceMsgsPerSec));
              f.produceCpu.push(Number(r.produceCpuSeconds));
              f.fetch.push(Number(r.fetchMsgsPerSec));
              f.fetchCpu.push(Number(r.fetchCpuSeconds));
            } catch (error) {
              notes.push(`${c.subject} @ ${label}, run ${run}: ${describeFailure(error)}`);
            }
            task.stop();
          }
        }
      } finally {
        await broker.close();
      }
      const rows: ResultRow[] = [];
      for (const [subject, f] of figures) {
        rows.push({ subject, broker: label, metric: 'produce msgs/s', summary: summarize(f.produce) });
        rows.push({ subject, broker: label, metric: 'produce CPU-seconds', summary: summarize(f.produceCpu) });
        rows.push({ subject, broker: label, metric: 'consume msgs/s', summary: summarize(f.fetch) });
        rows.push({ subject, broker: label, metric: 'consume CPU-seconds', summary: summarize(f.fetchCpu) });
      }
      tables.push(withRatios({ title: `${count} × ${VALUE_BYTES}-byte records, ${label}`, rows }, (ref, row) => ref.subject.startsWith('librdkafka') && ref.broker === row.broker, 'librdkafka'));
    }
    return { params: { messages: count, valueBytes: VALUE_BYTES, batch: 1000, inFlight: 8, acks: -1, partitions: 1 }, tables, notes };
  },
};

// Benchmark "broker-throughput": kafkajs produce and fetch rates against the embedded broker and
// Apache Kafka, with the client in a separate process (bench/workers/produce-fetch.ts).
import { brokerLabel, startBenchBroker } from './lib/bench-broker.ts';
import { describeFailure, withRatios, type ResultRow, type ResultTable } from './lib/bench-result.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { apacheKafkaVersion } from './lib/machine-info.ts';
import { startWorker } from './lib/run-worker.ts';
import { summarize } from './lib/stats.ts';

const VALUE_BYTES = 100;
const BATCH = 1000;
const IN_FLIGHT = 4;

/**
 * Produce: `messages` (default 500k) values of 100 bytes, sends of 1000 messages, acks -1 (all
 * in-sync replicas; the kafkajs default), no compression, one send in flight, 1 partition.
 * Fetch: a kafkajs consumer group reads them back from the beginning.
 *
 * @example
 * ```ts
 * const outcome = await brokerThroughput.run({ runs: 3, brokers: ['embedded', 'kafka'], progress });
 * ```
 */
export const brokerThroughput: Benchmark = {
  name: 'broker-throughput',
  title: 'Broker throughput (kafkajs client in another process)',
  description:
    'A kafkajs producer in a child process sends N messages with 100-byte values in sends of 1000 messages ' +
    '(acks -1 = all in-sync replicas, the kafkajs default; no compression; one send in flight; one partition), timed from ' +
    'the first send to the last acknowledgement. Then a kafkajs consumer group in the same child reads them back, timed ' +
    'from the first fetched batch to the last message. A second produce of the same messages to another topic keeps ' +
    `${IN_FLIGHT} sends in flight (shows whether one client or the broker is the limit). ` +
    'Each run uses a new topic; the broker runs in its own process ' +
    '(embedded: `sluice broker` via src/cli/main.ts; Apache Kafka: scripts/kafka/kafka.sh, JVM -Xmx512m).',
  async run(ctx) {
    const count = ctx.messages ?? 500_000;
    const rows: ResultRow[] = [];
    const notes: string[] = [];
    for (const kind of ctx.brokers) {
      const label = brokerLabel(kind, apacheKafkaVersion());
      const produce: number[] = [];
      const parallel: number[] = [];
      const fetch: number[] = [];
      const broker = await startBenchBroker(kind);
      try {
        for (let run = 1; run <= ctx.runs; run++) {
          const task = ctx.progress.task(`${label}: produce+fetch run ${run}/${ctx.runs}`, count * 2);
          const worker = startWorker(
            'bench/workers/produce-fetch.ts',
            { broker: broker.address, topic: `throughput-${run}-${Date.now()}`, count, batch: BATCH, valueBytes: VALUE_BYTES, inFlight: IN_FLIGHT },
            { onMessage: (m) => m.type === 'progress' && task.update((m.phase === 'fetch' ? count : 0) + Number(m.done)) },
          );
          const result = await worker.result;
          task.stop();
          produce.push(Number(result.produceMsgsPerSec));
          parallel.push(Number(result.produceParallelMsgsPerSec));
          fetch.push(Number(result.fetchMsgsPerSec));
        }
      } catch (error) {
        notes.push(`${label}: ${describeFailure(error)}`);
      } finally {
        await broker.close();
      }
      rows.push({ subject: 'kafkajs producer', broker: label, metric: 'produce msgs/s', summary: summarize(produce) });
      rows.push({ subject: `kafkajs producer, ${IN_FLIGHT} sends in flight`, broker: label, metric: 'produce msgs/s (4 in flight)', summary: summarize(parallel) });
      rows.push({ subject: 'kafkajs consumer', broker: label, metric: 'fetch msgs/s', summary: summarize(fetch) });
    }
    const table: ResultTable = { title: `Produce and fetch, ${count} × ${VALUE_BYTES}-byte messages`, rows };
    withRatios(table, (ref) => ref.broker.startsWith('Apache Kafka'), 'Apache Kafka');
    return { params: { messages: count, valueBytes: VALUE_BYTES, batch: BATCH, acks: -1, compression: 'none', partitions: 1, inFlight: IN_FLIGHT }, tables: [table], notes };
  },
};

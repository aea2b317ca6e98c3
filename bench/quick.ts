// `npm run bench -- --quick`: small versions of the benchmarks on the embedded broker (Apache
// Kafka only for the broker ratio, when its jars are installed), printing the key figures and, as
// the last line, one JSON object of them. A figure that could not be measured is null, with the
// reason printed above the line.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { brokerThroughput } from './broker-throughput.ts';
import { startBenchBroker } from './lib/bench-broker.ts';
import { describeFailure, type ResultRow } from './lib/bench-result.ts';
import { VENV_PYTHON } from './lib/machine-info.ts';
import type { Progress } from './lib/progress.ts';
import { LATENCY_VARIANTS, latencyRun } from './latency.ts';
import { runStateless } from './stateless.ts';
import { stateful } from './stateful.ts';

const ROOT = new URL('../', import.meta.url).pathname;

/** The figures `--quick` ends with. */
export interface QuickFigures {
  pipeline_msgs_per_s: number | null;
  ratio_vs_kafkajs: number | null;
  ratio_vs_quix: number | null;
  stateful_msgs_per_s: number | null;
  window_msgs_per_s: number | null;
  p99_ms: number | null;
  broker_ratio_vs_kafka: number | null;
  app_rss_mb: number | null;
}

const median = (xs: number[]): number | null => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number | null, digits = 0): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/**
 * Runs the quick benchmarks and returns the figures; `say` prints progress and the reasons for nulls.
 *
 * @example
 * ```ts
 * const figures = await runQuick(progress, console.log);
 * ```
 */
export async function runQuick(progress: Progress, say: (line: string) => void): Promise<QuickFigures> {
  const figures: QuickFigures = { pipeline_msgs_per_s: null, ratio_vs_kafkajs: null, ratio_vs_quix: null, stateful_msgs_per_s: null, window_msgs_per_s: null, p99_ms: null, broker_ratio_vs_kafka: null, app_rss_mb: null };
  const notes: string[] = [];
  const why = (figure: keyof QuickFigures, reason: string): void => say(`${figure} = null: ${reason}`);
  process.env.SLUICE_CLIENT = 'native'; // the stateful workers read it

  // 1. the stateless pipeline: sluice native, hand-written kafkajs and Quix, 3 rounds, 50k events
  const broker = await startBenchBroker('embedded');
  try {
    const stateless = await runStateless({ address: broker.address, count: 50_000, runs: 3, progress, notes, label: 'embedded', only: ['sluice (native client)', 'hand-written kafkajs', 'Quix Streams'] });
    const rate = (s: string) => median(stateless.get(s)?.input ?? []);
    figures.pipeline_msgs_per_s = round(rate('sluice (native client)'));
    const kafkajs = rate('hand-written kafkajs');
    const quix = rate('Quix Streams');
    figures.ratio_vs_kafkajs = figures.pipeline_msgs_per_s !== null && kafkajs ? round(figures.pipeline_msgs_per_s / kafkajs, 2) : null;
    figures.ratio_vs_quix = figures.pipeline_msgs_per_s !== null && quix ? round(figures.pipeline_msgs_per_s / quix, 2) : null;
    figures.app_rss_mb = round(median(stateless.get('sluice (native client)')?.rss ?? []));
    if (figures.pipeline_msgs_per_s === null) why('pipeline_msgs_per_s', notes.find((n) => n.startsWith('sluice (native')) ?? 'the native pipeline did not finish');
    if (quix === null) why('ratio_vs_quix', existsSync(VENV_PYTHON) ? (notes.find((n) => n.startsWith('Quix')) ?? 'Quix Streams did not finish') : 'bench/.venv is missing (python3 -m venv bench/.venv && bench/.venv/bin/pip install quixstreams)');
    if (kafkajs === null) why('ratio_vs_kafkajs', notes.find((n) => n.startsWith('hand-written')) ?? 'the kafkajs loop did not finish');

    // 2. latency at 10k msgs/s, 5 s measured
    try {
      const task = progress.task('latency of sluice (native client) at 10k msgs/s', 1);
      const r = await latencyRun({ address: broker.address, variant: LATENCY_VARIANTS[0], rate: 10_000, seconds: 5 });
      task.stop();
      figures.p99_ms = r.p99;
    } catch (error) {
      why('p99_ms', describeFailure(error));
    }
  } finally {
    await broker.close();
  }

  // 3. stateful: keyed count and window, sluice on the native client (and Quix beside it), 20k events
  try {
    const outcome = await stateful.run({ runs: 1, messages: 20_000, brokers: ['embedded'], progress });
    const sluice = (metric: string): ResultRow | undefined => outcome.tables[0]?.rows.find((r) => r.subject === 'sluice' && r.metric.startsWith(metric));
    figures.stateful_msgs_per_s = round(sluice('keyed count (100 keys)')?.summary.median ?? null);
    figures.window_msgs_per_s = round(sluice('tumbling-window')?.summary.median ?? null);
    if (!Number.isFinite(figures.stateful_msgs_per_s ?? NaN)) {
      figures.stateful_msgs_per_s = null;
      why('stateful_msgs_per_s', outcome.notes.join(' ') || 'no run finished');
    }
    if (!Number.isFinite(figures.window_msgs_per_s ?? NaN)) {
      figures.window_msgs_per_s = null;
      why('window_msgs_per_s', outcome.notes.join(' ') || 'no run finished');
    }
  } catch (error) {
    why('stateful_msgs_per_s', describeFailure(error));
    why('window_msgs_per_s', describeFailure(error));
  }

  // 4. the embedded broker against Apache Kafka (produce rate of one kafkajs client), when Kafka's jars are here
  if (!existsSync(join(ROOT, 'scripts/kafka/target/lib'))) {
    why('broker_ratio_vs_kafka', 'Apache Kafka jars are not installed (scripts/kafka/kafka.sh install); run npm run bench -- --only broker-throughput');
  } else {
    try {
      const outcome = await brokerThroughput.run({ runs: 1, messages: 50_000, brokers: ['embedded', 'kafka'], progress });
      const row = outcome.tables[0]?.rows.find((r) => r.metric === 'produce msgs/s' && !r.broker.startsWith('Apache Kafka'));
      figures.broker_ratio_vs_kafka = row?.ratio !== undefined ? round(row.ratio, 2) : null;
      if (figures.broker_ratio_vs_kafka === null) why('broker_ratio_vs_kafka', outcome.notes.join(' ') || 'a broker run did not finish');
    } catch (error) {
      why('broker_ratio_vs_kafka', describeFailure(error));
    }
  }
  for (const n of notes) say(`note: ${n}`);
  return figures;
}

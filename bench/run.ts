// `npm run bench -- [--only NAME] [--runs N] [--messages N] [--broker embedded|kafka|both]`:
// runs the benchmarks, writes bench/results/<name>.json and regenerates BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { BrokerKind } from './lib/bench-broker.ts';
import type { BenchResult } from './lib/bench-result.ts';
import type { Benchmark } from './lib/benchmark.ts';
import { machineInfo } from './lib/machine-info.ts';
import { createProgress } from './lib/progress.ts';
import { RESULTS_DIR, writeReport } from './lib/write-report.ts';
import { brokerThroughput } from './broker-throughput.ts';
import { brokerRss } from './broker-rss.ts';
import { pipeline } from './pipeline.ts';
import { stateful } from './stateful.ts';
import { guarantees } from './guarantees.ts';
import { stateless } from './stateless.ts';
import { latency } from './latency.ts';
import { clientThroughput } from './client-throughput.ts';
import { runQuick } from './quick.ts';

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** A measured figure for the console: whole numbers from 100 up, three significant digits below. */
function figure(x: number): string {
  return Math.abs(x) >= 100 ? String(Math.round(x)) : x.toPrecision(3);
}

const BENCHMARKS: Benchmark[] = [stateless, latency, clientThroughput, pipeline, brokerThroughput, brokerRss, stateful, guarantees];

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run bench --')
  .usage('$0 [options]\n\nRuns sluice benchmarks and regenerates BENCHMARKS.md from bench/results/*.json.')
  .option('only', { type: 'string', choices: BENCHMARKS.map((b) => b.name), describe: 'Run one benchmark' })
  .option('runs', { type: 'number', default: 5, describe: 'Runs per measured subject (median reported; at least 3 for published figures)' })
  .option('messages', { type: 'number', describe: "Message count (default: each benchmark's own)" })
  .option('broker', { choices: ['embedded', 'kafka', 'both'] as const, default: 'both' as const, describe: 'Broker(s) to measure against' })
  .option('report-only', { type: 'boolean', default: false, describe: 'Only regenerate BENCHMARKS.md from the saved results' })
  .option('save', { type: 'boolean', default: true, describe: 'Write bench/results/<name>.json and BENCHMARKS.md (--no-save for a trial run)' })
  .option('quick', { type: 'boolean', default: false, describe: 'Small runs on the embedded broker (under 5 min); prints the key figures and ends with one JSON line; writes nothing' })
  .example('$0 --only pipeline --runs 5', 'Text-splitter pipeline: sluice vs hand-written kafkajs')
  .example('$0 --only broker-throughput --broker embedded --messages 100000', 'A quick run against the embedded broker only')
  .example('$0 --only stateful --runs 1 --messages 20000 --no-save', 'A trial of the stateful benchmark (sluice vs Quix Streams), nothing written')
  .example('$0 --report-only', 'Regenerate BENCHMARKS.md from bench/results/*.json')
  .example('$0 --quick', 'The key figures in a few minutes, as one JSON line at the end')
  .strict()
  .help()
  .parseSync();

if (argv.quick) {
  const started = Date.now();
  const progress = createProgress();
  const figures = await runQuick(progress, (line) => progress.log(line));
  progress.stop();
  console.log(`quick benchmarks in ${((Date.now() - started) / 60000).toFixed(1)} min`);
  console.log(JSON.stringify(figures));
  process.exit(0);
}

if (!argv['report-only']) {
  const brokers: BrokerKind[] = argv.broker === 'both' ? ['embedded', 'kafka'] : [argv.broker];
  const selected = argv.only ? BENCHMARKS.filter((b) => b.name === argv.only) : BENCHMARKS;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const allStarted = Date.now();
  for (const [index, bench] of selected.entries()) {
    const progress = createProgress();
    progress.log(`▶ [${index + 1}/${selected.length}] ${bench.title} — ${argv.runs} run(s), broker ${argv.broker}`);
    const machine = machineInfo();
    const startedAt = new Date().toISOString();
    // broker-rss reads --messages as MiB of log: only honour it when that benchmark is run alone.
    const messages = bench.name === 'broker-rss' && !argv.only ? undefined : argv.messages;
    if (argv.messages && messages === undefined) progress.log(`  (--messages is not applied to ${bench.name}, it counts MiB there; use --only ${bench.name} --messages MIB)`);
    const outcome = await bench.run({ runs: argv.runs, messages, brokers, progress });
    progress.stop();
    console.log(`✔ [${index + 1}/${selected.length}] ${bench.name} in ${((Date.now() - Date.parse(startedAt)) / 60000).toFixed(1)} min (all so far: ${((Date.now() - allStarted) / 60000).toFixed(1)} min)`);
    const command = ['npm run bench --', `--only ${bench.name}`, `--runs ${argv.runs}`, `--broker ${argv.broker}`, messages ? `--messages ${messages}` : '']
      .filter(Boolean)
      .join(' ');
    const result: BenchResult = {
      benchmark: bench.name,
      title: bench.title,
      description: bench.description,
      command,
      commit: gitCommit(),
      startedAt,
      finishedAt: new Date().toISOString(),
      machine,
      loadAverageAfter: loadavg().map((l) => Math.round(l * 100) / 100) as [number, number, number],
      ...outcome,
    };
    for (const t of result.tables) {
      console.log(`\n${t.title}`);
      for (const r of t.rows) {
        const s = r.summary;
        console.log(`  ${r.subject} @ ${r.broker}: ${r.metric} median ${figure(s.median)} (min ${figure(s.min)}, max ${figure(s.max)}, ${s.runs} runs)${typeof r.ratio === 'number' ? ` = ${r.ratio.toFixed(2)}× ${r.ratioTo}` : ''}`);
      }
    }
    for (const n of result.notes) console.log(`  note: ${n}`);
    if (argv.save) writeFileSync(join(RESULTS_DIR, `${bench.name}.json`), JSON.stringify(result, null, 2) + '\n');
  }
}
if (argv.save) {
  writeReport();
  console.log('BENCHMARKS.md regenerated');
}
process.exit(0);

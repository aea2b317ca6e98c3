// The contract every benchmark file in bench/ implements; bench/run.ts drives them.
import type { BrokerKind } from './bench-broker.ts';
import type { ResultTable } from './bench-result.ts';
import type { Progress } from './progress.ts';

/** What `npm run bench` passes to a benchmark. */
export interface BenchContext {
  /** Repetitions per measured subject (the median is reported). */
  runs: number;
  /** `--messages`, when given: overrides the benchmark's default message count. */
  messages?: number;
  /** Brokers to measure against, in order. */
  brokers: BrokerKind[];
  progress: Progress;
}

/** What a benchmark returns; run.ts adds machine info and writes the JSON. */
export interface BenchOutcome {
  params: Record<string, unknown>;
  tables: ResultTable[];
  notes: string[];
}

/** One benchmark. */
export interface Benchmark {
  /** `--only` name and results file name. */
  name: string;
  title: string;
  /** What is measured and how (printed in BENCHMARKS.md). */
  description: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}

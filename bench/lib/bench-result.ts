// The JSON a benchmark writes to bench/results/<name>.json and BENCHMARKS.md is generated from.
import type { MachineInfo } from './machine-info.ts';
import type { Summary } from './stats.ts';

/** One measured subject (e.g. "sluice Application" on the embedded broker). */
export interface ResultRow {
  subject: string;
  broker: string;
  metric: string;
  summary: Summary;
  /** Median of this row divided by the median of the row named in `ratioTo`. */
  ratio?: number;
  ratioTo?: string;
  /** A performance goal for this row: the median should be at least this (BENCHMARKS.md says met or missed). */
  target?: number;
  /** A goal the other way round (latency, memory): the median should be at most this. */
  targetAtMost?: number;
}

/** A table of rows measured side by side in one run. */
export interface ResultTable {
  title: string;
  rows: ResultRow[];
}

/** Everything one benchmark invocation measured. */
export interface BenchResult {
  benchmark: string;
  title: string;
  /** What is measured and how (one paragraph). */
  description: string;
  command: string;
  /** `git rev-parse --short HEAD` of the code measured (uncommitted changes by others may be included). */
  commit?: string;
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  /** Load average when the benchmark finished. */
  loadAverageAfter: [number, number, number];
  params: Record<string, unknown>;
  tables: ResultTable[];
  /** Anomalies, failures and their exact errors. */
  notes: string[];
}

/**
 * Adds `ratio` to every row of `table`: its median divided by the median of the reference row of
 * the same metric that `isReference(reference, row)` picks; `label` names it in the table.
 *
 * @example
 * ```ts
 * withRatios(table, (ref, row) => ref.subject === 'hand-written kafkajs' && ref.broker === row.broker, 'hand-written kafkajs');
 * ```
 */
export function withRatios(table: ResultTable, isReference: (reference: ResultRow, row: ResultRow) => boolean, label: string): ResultTable {
  for (const row of table.rows) {
    const ref = table.rows.find((r) => r !== row && r.metric === row.metric && isReference(r, row));
    if (ref && ref.summary.median > 0 && Number.isFinite(row.summary.median)) {
      row.ratio = row.summary.median / ref.summary.median;
      row.ratioTo = label;
    }
  }
  return table;
}

/**
 * A one-paragraph form of a failure for the notes: the first line of the error plus the distinct
 * `error` fields of the JSON log lines it carries (kafkajs/pino), so the cause is not lost in noise.
 *
 * @example
 * ```ts
 * notes.push(`sluice @ kafka: ${describeFailure(error)}`);
 * ```
 */
export function describeFailure(error: unknown, maxChars = 700): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n');
  const errors = new Set<string>();
  for (const m of text.matchAll(/"error":"([^"]+)"/g)) errors.add(m[1]);
  for (const m of text.matchAll(/^(\w*(?:Error|Exception)\b[^\n]*)$/gm)) errors.add(m[1].slice(0, 300));
  const head = lines[0].replace(/; last output:.*/, '').slice(0, 300);
  const rest = lines.slice(1, 6).join(' ').trim().slice(0, 300);
  const tail = errors.size > 0 ? ` — errors seen: ${[...errors].join(' | ')}` : rest ? ` — ${rest}` : '';
  return (head + tail).slice(0, maxChars);
}

// Benchmark "stateful": keyed count with durable state + changelog, 1 s tumbling-window sum, and
// changelog restore, in sluice and in Quix Streams (Python, bench/.venv) on the same broker.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type Message } from 'kafkajs';
import { brokerLabel, startBenchBroker } from './lib/bench-broker.ts';
import { describeFailure, withRatios, type ResultRow, type ResultTable } from './lib/bench-result.ts';
import type { Benchmark, BenchContext } from './lib/benchmark.ts';
import { apacheKafkaVersion, VENV_PYTHON } from './lib/machine-info.ts';
import { highWatermark, timedOutputRun } from './lib/output-run.ts';
import { startWorker } from './lib/run-worker.ts';
import { summarize } from './lib/stats.ts';

const KEYS = 100;
const FRAMEWORKS = [
  { subject: 'sluice', script: 'bench/workers/stateful-sluice.ts', interpreter: undefined as string | undefined },
  { subject: 'Quix Streams', script: 'bench/quix/stateful_quix.py', interpreter: VENV_PYTHON as string | undefined },
] as const;
type Metric = 'count' | 'count-unique' | 'window' | 'restore';
/** sluice's performance goals (issue #4): events/s for the pipelines, records/s for the restore. */
const TARGETS: Record<Metric, number> = { count: 50_000, 'count-unique': 50_000, window: 50_000, restore: 100_000 };

/** N events `{key, amount}` keyed by key (`k0`..`k99`, or all distinct when `keys` is 0), event time base + i ms. */
async function prefill(kafka: Kafka, admin: Admin, topic: string, count: number, keys: number): Promise<void> {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const base = Date.now() - count;
  for (let start = 0; start < count; start += 1000) {
    const messages: Message[] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const key = keys > 0 ? `k${i % keys}` : `u${i}`;
      messages.push({ key, value: JSON.stringify({ key, amount: i % 100 }), timestamp: String(base + i) });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

async function changelogRecords(admin: Admin, group: string): Promise<number> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(`changelog__${group}`));
  let n = 0;
  for (const t of topics) n += await highWatermark(admin, t);
  return n;
}

/** The offset `group` committed on partition 0 of `topic` (-1 when none). */
async function committedOffset(admin: Admin, group: string, topic: string): Promise<number> {
  const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return Number(t?.partitions[0]?.offset ?? -1);
}

/** Restarts the count worker of `group` on an emptied state dir and times its changelog recovery. */
async function timedRestore(ctx: BenchContext, fw: (typeof FRAMEWORKS)[number], args: Record<string, unknown>, records: number): Promise<number> {
  const task = ctx.progress.task(`${fw.subject} restore of ${records} changelog records`, 1);
  let start = 0;
  let end = 0;
  const worker = startWorker(fw.script, args, {
    interpreter: fw.interpreter,
    onMessage: (m) => {
      if (m.type === 'recovery-start') start = Number(m.t);
      if (m.type === 'recovery-end') end = Number(m.t);
    },
    onLine: (line) => {
      if (!line.startsWith('{')) return;
      try {
        const log = JSON.parse(line) as { msg?: string; time?: number };
        if (log.msg === 'recovering state from changelog' && start === 0) start = Number(log.time);
        if (log.msg === 'state recovered') end = Number(log.time);
      } catch {
        // not a log line
      }
    },
  });
  let failed: Error | undefined;
  worker.result.catch((e: Error) => (failed = e));
  const deadline = Date.now() + 180_000;
  while (end === 0 && !failed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  worker.kill();
  await worker.result.catch(() => undefined);
  task.stop();
  if (failed) throw failed;
  if (end === 0 || start === 0) throw new Error(`${fw.subject}: no recovery seen within 180 s (start ${start}, end ${end})`);
  return records / (Math.max(1, end - start) / 1000);
}

/**
 * Stateful pipelines, sluice vs Quix Streams, per broker.
 *
 * @example
 * ```ts
 * const outcome = await stateful.run({ runs: 3, brokers: ['kafka'], progress });
 * ```
 */
export const stateful: Benchmark = {
  name: 'stateful',
  title: 'Stateful: keyed count, tumbling-window sum, changelog restore — sluice vs Quix Streams',
  description:
    `N events \`{key, amount}\` over ${KEYS} keys, and N events with N distinct keys (event time 1 ms apart), are ` +
    'pre-filled into two 1-partition topics. ' +
    'Each framework runs in its own process, in a new consumer group with a new state directory: ' +
    '(1) keyed count — a stateful apply keeps a running count per key in the durable store (sluice: LMDB; Quix: ' +
    'RocksDB) with a changelog topic, and produces `{key, count}` per event — over the 100-key topic and over the ' +
    'distinct-key topic (every event a new key: a store write and a changelog record each); (2) window — a 1 s tumbling window ' +
    '`agg({ total: Sum("amount") })` with `.current()`, one output per event. Rates are input events/s from the ' +
    'first processed event until the output topic holds N records. (3) restore — the distinct-key count app of (1) is restarted ' +
    'in the same group on an empty state directory; the rate is changelog records (the high watermarks of its ' +
    'changelog topics) divided by the time between the framework’s own “recovery started” and “recovered” log ' +
    'lines (Quix: “Beginning recovery check” / “Recovery process complete”; sluice: “recovering state from changelog” / “state recovered”); both include a fixed per-restore latency — about 2 s for Quix whatever N, measured at 5k-50k — so use N ≥ 100k for restore figures. Frameworks alternate order from run to run. After each timed run the worker is stopped (SIGTERM) and ' +
    'the consumer group’s committed input offset is checked: a run whose app did not commit all its input (it failed after writing its outputs) does not count. sluice’s targets (issue #4): ' +
    '≥ 50,000 events/s for the keyed counts and the window, ≥ 100,000 records/s for the restore.',
  async run(ctx) {
    const count = ctx.messages ?? 100_000;
    const tables: ResultTable[] = [];
    const notes: string[] = [];
    if (!existsSync(VENV_PYTHON)) notes.push('bench/.venv is missing, Quix Streams was not run: python3 -m venv bench/.venv && bench/.venv/bin/pip install quixstreams');
    const frameworks = FRAMEWORKS.filter((f) => f.interpreter === undefined || existsSync(VENV_PYTHON));
    for (const kind of ctx.brokers) {
      const label = brokerLabel(kind, apacheKafkaVersion());
      const values = new Map<string, number[]>();
      const restored = new Map<string, number[]>();
      const put = (m: Map<string, number[]>, k: string, v: number): void => void (m.get(k) ?? m.set(k, []).get(k)!).push(v);
      const broker = await startBenchBroker(kind);
      const kafka = new Kafka({ clientId: 'bench-stateful', brokers: [broker.address], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      const failed = new Set<string>();
      try {
        await admin.connect();
        const inputs = { count: `events-${Date.now()}`, 'count-unique': `distinct-${Date.now()}`, window: `events-${Date.now()}` };
        inputs.window = inputs.count;
        const fill = ctx.progress.task(`prefill 2 × ${count} events @ ${kind}`, count);
        await prefill(kafka, admin, inputs.count, count, KEYS);
        await prefill(kafka, admin, inputs['count-unique'], count, 0);
        fill.stop();
        for (let run = 1; run <= ctx.runs; run++) {
          const order = run % 2 === 1 ? frameworks : [...frameworks].reverse();
          for (const fw of order) {
            for (const mode of ['count', 'count-unique', 'window'] as const) {
              const key = `${fw.subject}|${mode}`;
              if (failed.has(key)) continue;
              const tag = `${fw.subject.split(' ')[0].toLowerCase()}-${mode}-${run}-${Date.now()}`;
              const stateDir = mkdtempSync(join(tmpdir(), 'sluice-bench-state-'));
              const args = { broker: broker.address, input: inputs[mode], output: `out-${tag}`, group: `g-${tag}`, mode: mode === 'window' ? 'window' : 'count', stateDir };
              try {
                const r = await timedOutputRun({ admin, progress: ctx.progress, label: `${fw.subject} ${mode} @ ${kind} run ${run}`, script: fw.script, interpreter: fw.interpreter, args, output: args.output, inputCount: count, expected: count });
                // The timed span ends at the last output; after the stop the group must have committed all input,
                // else the run does not count (the app failed after writing its outputs, e.g. on its changelog).
                const committed = await committedOffset(admin, args.group, args.input);
                if (committed !== count) throw new Error(`all ${count} outputs written in ${r.seconds.toFixed(1)} s, but the committed input offset after stop is ${committed} of ${count} (the app failed before committing)`);
                put(values, key, r.inputRate);
                if (r.extra !== 0) notes.push(`${fw.subject} ${mode} @ ${label}, run ${run}: ${r.extra} output records more than expected.`);
                if (mode === 'count-unique' && !failed.has(`${fw.subject}|restore`)) {
                  const records = await changelogRecords(admin, args.group);
                  rmSync(stateDir, { recursive: true, force: true });
                  try {
                    if (records < count) throw new Error(`the changelog holds ${records} records after ${count} new keys (expected ≥ ${count}); restore not timed`);
                    put(values, `${fw.subject}|restore`, await timedRestore(ctx, fw, args, records));
                    put(restored, fw.subject, records);
                  } catch (error) {
                    failed.add(`${fw.subject}|restore`);
                    notes.push(`${fw.subject} restore @ ${label}, run ${run} failed, later runs skipped: ${describeFailure(error)}`);
                  }
                }
              } catch (error) {
                failed.add(key);
                notes.push(`${fw.subject} ${mode} @ ${label}, run ${run} failed, later runs skipped: ${describeFailure(error)}`);
              } finally {
                rmSync(stateDir, { recursive: true, force: true });
              }
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
      const metricName: Record<Metric, string> = {
        count: `keyed count (${KEYS} keys), events/s`,
        'count-unique': 'keyed count (every key new), events/s',
        window: 'tumbling-window sum (1 s), events/s',
        restore: 'changelog restore, records/s',
      };
      for (const mode of ['count', 'count-unique', 'window', 'restore'] as const) {
        for (const fw of FRAMEWORKS) {
          const target = fw.subject === 'sluice' ? { target: TARGETS[mode] } : {};
          rows.push({ subject: fw.subject, broker: label, metric: metricName[mode], summary: summarize(values.get(`${fw.subject}|${mode}`) ?? []), ...target });
        }
      }
      for (const fw of FRAMEWORKS) {
        const r = restored.get(fw.subject);
        if (r) notes.push(`${fw.subject} @ ${label}: changelog records restored per run: ${r.join(', ')}.`);
      }
      tables.push(withRatios({ title: `${count} events, ${KEYS} keys, ${label}`, rows }, (ref, row) => ref.subject === 'Quix Streams' && ref.broker === row.broker, 'Quix Streams'));
    }
    return { params: { messages: count, keys: KEYS, partitions: 1, window: '1s tumbling, current()' }, tables, notes };
  },
};

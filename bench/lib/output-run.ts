// One timed run of a consume → process → produce worker: rate from the worker's first processed
// message to the moment the output topic's high watermark reaches the expected record count.
import type { Admin } from 'kafkajs';
import type { Progress } from './progress.ts';
import { cpuSeconds, peakRssMb } from './proc-stats.ts';
import { startWorker, type WorkerOptions } from './run-worker.ts';

/** How to run and time one worker. */
export interface OutputRunOptions {
  admin: Admin;
  progress: Progress;
  label: string;
  script: string;
  args: Record<string, unknown>;
  output: string;
  /** Input messages the worker consumes (for the input rate). */
  inputCount: number;
  /** Output records that mark the end. */
  expected: number;
  interpreter?: string;
  /** Give up this long after the first message (default 240 s). */
  timeoutMs?: number;
  /** Give up when no first message arrived this long after start (default 90 s). */
  startTimeoutMs?: number;
  onLine?: WorkerOptions['onLine'];
  /**
   * Also time the span in which the output grows from this fraction of `expected` to that one
   * (e.g. [0.1, 0.9]): the steady rate, without start-up and without the wait for the last commit.
   */
  steadyWindow?: [number, number];
}

/** Rate and CPU over the steady window of a run (see `OutputRunOptions.steadyWindow`). */
export interface SteadyFigures {
  inputRate: number;
  cpuSeconds: number;
}

/** Sum of the high watermarks of `topic`'s partitions. */
export async function highWatermark(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/**
 * Runs the worker until the output is complete, stops it (SIGTERM) and returns rates.
 *
 * @example
 * ```ts
 * const r = await timedOutputRun({ admin, progress, label: 'sluice count', script: 'bench/workers/stateful-sluice.ts', args, output, inputCount: n, expected: n });
 * ```
 */
export async function timedOutputRun(o: OutputRunOptions): Promise<{ inputRate: number; seconds: number; extra: number; cpuSeconds: number; peakRssMb: number; steady?: SteadyFigures }> {
  await o.admin.createTopics({ waitForLeaders: true, topics: [{ topic: o.output, numPartitions: 1 }] });
  const task = o.progress.task(o.label, o.expected);
  let first = 0;
  let cpuAtFirst = NaN;
  const started = Date.now();
  const worker = startWorker(o.script, o.args, {
    interpreter: o.interpreter,
    onLine: o.onLine,
    onMessage: (m) => {
      if (m.type === 'first') {
        first = Number(m.t);
        cpuAtFirst = cpuSeconds(worker.pid);
      }
    },
  });
  let failed: Error | undefined;
  worker.result.catch((e: Error) => (failed = e));
  const stop = async (): Promise<void> => {
    worker.kill();
    await worker.result.catch(() => undefined);
  };
  let seen = 0;
  let end = 0;
  const window = o.steadyWindow?.map((f) => Math.ceil(f * o.expected));
  const marks: { t: number; cpu: number; seen: number }[] = [];
  while (seen < o.expected) {
    if (failed) throw failed;
    const now = Date.now();
    if (first === 0 && now - started > (o.startTimeoutMs ?? 90_000)) {
      await stop();
      throw new Error(`${o.label}: no message processed within ${(o.startTimeoutMs ?? 90_000) / 1000} s of start${failed ? `: ${(failed as Error).message}` : ''}`);
    }
    if (first !== 0 && now - first > (o.timeoutMs ?? 240_000)) {
      await stop();
      throw new Error(`${o.label}: only ${seen} of ${o.expected} output records ${((now - first) / 1000).toFixed(0)} s after its first message (≈ ${Math.round(seen / ((now - first) / 1000))} records/s, ≈ ${Math.round((seen / o.expected) * o.inputCount / ((now - first) / 1000))} input msgs/s); stopped at the time limit`);
    }
    await new Promise((r) => setTimeout(r, 25));
    seen = await highWatermark(o.admin, o.output);
    end = Date.now();
    task.update(seen);
    if (window && marks.length < 2 && seen >= window[marks.length]!) marks.push({ t: end, cpu: cpuSeconds(worker.pid), seen });
  }
  task.stop();
  const cpu = cpuSeconds(worker.pid) - cpuAtFirst;
  const rss = peakRssMb(worker.pid);
  await stop();
  const final = await highWatermark(o.admin, o.output);
  const seconds = (end - first) / 1000;
  // the outputs between the two marks, in input events (one output per input here)
  const steady = marks.length === 2 && marks[1]!.t > marks[0]!.t ? { inputRate: ((marks[1]!.seen - marks[0]!.seen) * o.inputCount) / o.expected / ((marks[1]!.t - marks[0]!.t) / 1000), cpuSeconds: marks[1]!.cpu - marks[0]!.cpu } : undefined;
  return { inputRate: o.inputCount / seconds, seconds, extra: final - o.expected, cpuSeconds: cpu, peakRssMb: rss, ...(steady ? { steady } : {}) };
}

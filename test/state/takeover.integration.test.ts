// Durable state under failure, with real processes: two instances of a stateful counter share a
// 2-partition topic; one is killed with SIGKILL mid-stream and the other takes over its partition,
// restoring that partition's state from the changelog. A single instance killed mid-batch and
// restarted continues from its local store. In both, every key's final count is exact.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { consumeAll, consumeLatestByKey, createTopics, testKafka, topicEndOffset, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

const APP = fileURLToPath(new URL('./fixtures/counter-app.ts', import.meta.url));
const KEYS = Array.from({ length: 20 }, (_, i) => `user-${i}`);

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Instance {
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

function startCounter(env: Record<string, string>, stateDir: string): Instance {
  const child = spawn(process.execPath, ['--import', 'tsx', APP], {
    env: { ...process.env, ...env, COUNTER_STATE_DIR: stateDir, COUNTER_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, output: () => out, exited };
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number, diagnostics: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function waitForAsync(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const processedCount = (output: string): number => Math.max(0, ...[...output.matchAll(/processed (\d+)/g)].map((m) => Number(m[1])));

/** The app's final `stats` (the fixture prints them as JSON when it stops on SIGTERM). */
async function stopAndReadStats(instance: Instance): Promise<{ processed: number; restoredRecords: number }> {
  instance.child.kill('SIGTERM');
  await instance.exited;
  const line = /^stopped (\{.*\})$/m.exec(instance.output());
  if (!line) throw new Error(`the instance printed no stats when it stopped:\n${instance.output()}`);
  return JSON.parse(line[1]) as { processed: number; restoredRecords: number };
}

/** End offset per partition of `topic`. */
async function partitionEnds(topic: string): Promise<number[]> {
  const admin = testKafka(broker.address).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
  } finally {
    await admin.disconnect();
  }
}

/** Rounds produced after an instance is killed: input the survivor (or the restarted instance) must process. */
const ROUNDS_AFTER_KILL = 30;

/** Rounds the input may run ahead of the output: production is paced by consumption, so a slow machine gets less input, not a longer backlog. */
const MAX_ROUNDS_AHEAD = 10;

/**
 * Produces one record per key every `intervalMs` (value `{ n }`, n = round) until `stop()`, so
 * that input keeps arriving while instances join and die, however slowly they start on a loaded
 * machine, but never more than MAX_ROUNDS_AHEAD rounds ahead of `outputTopic`. `stop()` resolves
 * with the number of rounds produced; `more(n)` produces n more rounds at once.
 */
function startProducing(topic: string, outputTopic: string, intervalMs: number): { stop(): Promise<number>; more(rounds: number): Promise<number> } {
  const kafka = testKafka(broker.address);
  const producer = kafka.producer();
  const admin = kafka.admin();
  let rounds = 0;
  let stopped = false;
  const round = async (): Promise<void> => {
    const value = JSON.stringify({ n: rounds });
    await producer.send({ topic, acks: -1, messages: KEYS.map((key) => ({ key, value })) });
    rounds += 1;
  };
  // A failed look-up (the output's metadata not propagated yet) counts as an empty output.
  const outputEnd = async () => (await admin.fetchTopicOffsets(outputTopic).catch(() => [])).reduce((sum, p) => sum + Number(p.high), 0);
  const running = (async () => {
    await Promise.all([producer.connect(), admin.connect()]);
    while (!stopped) {
      if ((await outputEnd()) >= (rounds - MAX_ROUNDS_AHEAD) * KEYS.length) await round();
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  cleanups.push(async () => void (await Promise.all([producer.disconnect(), admin.disconnect()])));
  return {
    stop: async () => {
      stopped = true;
      await running;
      return rounds;
    },
    more: async (n) => {
      for (let i = 0; i < n; i++) await round();
      return rounds;
    },
  };
}

/** The latest `{ key, count }` per key once every key reached `perKey` (or the timeout passed). */
async function finalCounts(topic: string, perKey: number, timeoutMs: number): Promise<Map<string, number>> {
  const parse = (v: string | null | undefined): number => (v ? (JSON.parse(v) as { count: number }).count : 0);
  const latest = await consumeLatestByKey(broker.address, topic, (m) => KEYS.every((k) => parse(m.get(k)) >= perKey), timeoutMs);
  return new Map([...latest].map(([k, v]) => [k, parse(v)]));
}

const exactly = (perKey: number) => new Map(KEYS.map((k) => [k, perKey]));
const everyCountUpTo = (perKey: number) => new Map(KEYS.map((k) => [k, Array.from({ length: perKey }, (_, i) => i + 1)]));

/**
 * Per key, the distinct counts the output holds, sorted: 1..rounds when no output was lost
 * (at-least-once: a count may appear twice, none may be missing).
 */
async function distinctCountsPerKey(topic: string): Promise<Map<string, number[]>> {
  const records = await consumeAll(broker.address, topic, await topicEndOffset(broker.address, topic), 60_000);
  const seen = new Map<string, Set<number>>();
  for (const r of records) {
    const { key, count } = JSON.parse(r.value!) as { key: string; count: number };
    expect(r.key).toBe(key);
    if (!seen.has(key)) seen.set(key, new Set());
    seen.get(key)!.add(count);
  }
  return new Map([...seen].map(([k, counts]) => [k, [...counts].sort((a, b) => a - b)]));
}

describe('durable state under failure', () => {
  it('a second instance takes over the partition of a SIGKILLed one, restores its state from the changelog, and the final counts are exact', async () => {
    const [input, output, group] = [uniqueName('takeover-in'), uniqueName('takeover-out'), uniqueName('takeover-g')];
    await createTopics(broker.address, [input], 2);
    await createTopics(broker.address, [output], 2);
    const producing = startProducing(input, output, 50);
    const env = { COUNTER_BROKER: broker.address, COUNTER_GROUP: group, COUNTER_INPUT: input, COUNTER_OUTPUT: output, COUNTER_WORK_MS: '1' };

    const survivor = startCounter(env, tempDir('sluice-takeover-a-'));
    await waitFor('the first instance to process 300 records', () => processedCount(survivor.output()) >= 300, 90_000, survivor.output);
    const victim = startCounter(env, tempDir('sluice-takeover-b-'));
    await waitFor('the second instance to get a partition and process 200 records', () => processedCount(victim.output()) >= 200, 120_000, () => survivor.output() + victim.output());
    // Each instance now owns one partition and is the only writer of its changelog partition. Once
    // both changelog partitions have grown, the victim has checkpointed state that the survivor's
    // local store of that partition lacks: taking the partition over must restore it.
    const changelog = `changelog__${group}--${input}--default`;
    const endsBefore = await partitionEnds(changelog);
    await waitForAsync('both changelog partitions to grow', async () => (await partitionEnds(changelog)).every((end, p) => end > endsBefore[p]), 120_000);
    await producing.stop();
    victim.child.kill('SIGKILL');
    await victim.exited;
    // Input the victim never saw: its partition's share can only be counted by the survivor, once
    // the group has noticed the victim is gone and handed its partition over.
    const rounds = await producing.more(ROUNDS_AFTER_KILL);

    const counts = await finalCounts(output, rounds, 180_000).catch((e: Error) => {
      throw new Error(`${e.message}\n--- survivor log ---\n${survivor.output()}`);
    });
    expect(counts).toEqual(exactly(rounds));
    expect(await distinctCountsPerKey(output)).toEqual(everyCountUpTo(rounds));
    const stats = await stopAndReadStats(survivor);
    expect(stats.restoredRecords, `survivor log:\n${survivor.output()}\nvictim log:\n${victim.output()}`).toBeGreaterThan(0);
  }, 300_000);

  it('an instance killed with SIGKILL mid-batch and restarted on its state directory ends with exact counts and no lost output', async () => {
    const [input, output, group] = [uniqueName('kill9-in'), uniqueName('kill9-out'), uniqueName('kill9-g')];
    await createTopics(broker.address, [input, output], 2);
    const producing = startProducing(input, output, 50);
    const env = { COUNTER_BROKER: broker.address, COUNTER_GROUP: group, COUNTER_INPUT: input, COUNTER_OUTPUT: output, COUNTER_WORK_MS: '1' };
    const stateDir = tempDir('sluice-kill9-');

    const first = startCounter(env, stateDir);
    await waitFor('the app to process 1000 records', () => processedCount(first.output()) >= 1000, 90_000, first.output);
    first.child.kill('SIGKILL');
    await first.exited;
    await producing.stop();
    const restarted = startCounter(env, stateDir);
    const rounds = await producing.more(ROUNDS_AFTER_KILL);

    const counts = await finalCounts(output, rounds, 150_000).catch((e: Error) => {
      throw new Error(`${e.message}\n--- restarted app log ---\n${restarted.output()}`);
    });
    expect(counts).toEqual(exactly(rounds));
    expect(await distinctCountsPerKey(output)).toEqual(everyCountUpTo(rounds));
  }, 300_000);
});

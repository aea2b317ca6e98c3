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
const PER_KEY = 300;

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

/** The end offset (high watermark) of one partition. */
async function partitionEnd(topic: string, partition: number): Promise<number> {
  const admin = testKafka(broker.address).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return Number(offsets.find((o) => o.partition === partition)?.high ?? 0);
  } finally {
    await admin.disconnect();
  }
}

const processedCount = (output: string): number => Math.max(0, ...[...output.matchAll(/processed (\d+)/g)].map((m) => Number(m[1])));

/**
 * Produces PER_KEY records for every key, one record per key every `intervalMs`, so that the input
 * keeps arriving while instances join, die and take over (each partition holds several keys).
 */
async function produceRecords(topic: string, intervalMs: number): Promise<void> {
  const producer = testKafka(broker.address).producer();
  await producer.connect();
  for (let n = 0; n < PER_KEY; n++) {
    await producer.send({ topic, acks: -1, messages: KEYS.map((key) => ({ key, value: JSON.stringify({ n }) })) });
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  await producer.disconnect();
}

/** The latest `{ key, count }` per key once every key reached PER_KEY (or the timeout passed). */
async function finalCounts(topic: string, timeoutMs: number): Promise<Map<string, number>> {
  const parse = (v: string | null | undefined): number => (v ? (JSON.parse(v) as { count: number }).count : 0);
  const latest = await consumeLatestByKey(broker.address, topic, (m) => KEYS.every((k) => parse(m.get(k)) >= PER_KEY), timeoutMs);
  return new Map([...latest].map(([k, v]) => [k, parse(v)]));
}

const exact = new Map(KEYS.map((k) => [k, PER_KEY]));
const everyCount = Array.from({ length: PER_KEY }, (_, i) => i + 1);

/**
 * Per key, the distinct counts the output holds, sorted: 1..PER_KEY when no output was lost
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
    const producing = produceRecords(input, 50);
    const env = { COUNTER_BROKER: broker.address, COUNTER_GROUP: group, COUNTER_INPUT: input, COUNTER_OUTPUT: output, COUNTER_WORK_MS: '1' };

    const survivor = startCounter(env, tempDir('sluice-takeover-a-'));
    await waitFor('the first instance to process 300 records', () => processedCount(survivor.output()) >= 300, 60_000, survivor.output);
    const victim = startCounter(env, tempDir('sluice-takeover-b-'));
    await waitFor('the second instance to get a partition and process 200 records', () => processedCount(victim.output()) >= 200, 90_000, () => survivor.output() + victim.output());
    // Kill it only once it has written state changes of its partition to the changelog (on a
    // loaded machine its first batch can be long), so that the survivor has state to restore.
    const restored = /"partition":(\d+),"storeName":"default","changelogTopic":"([^"]+)","low":\d+,"high":(\d+)/.exec(victim.output());
    expect(restored, 'the second instance logs the changelog end it restored to').not.toBeNull();
    const [, victimPartition, changelog, restoredEnd] = restored!;
    await waitForAsync('the second instance to write state changes', async () => (await partitionEnd(changelog!, Number(victimPartition))) > Number(restoredEnd), 90_000);
    victim.child.kill('SIGKILL');
    await victim.exited;

    await producing;
    const counts = await finalCounts(output, 150_000).catch((e: Error) => {
      throw new Error(`${e.message}\n--- survivor log ---\n${survivor.output()}`);
    });
    expect(counts).toEqual(exact);
    // pino writes asynchronously and the survivor may be busy with a long batch: wait for the line.
    await waitFor('the survivor to log that it restored the taken-over state', () => /recovering state from changelog/.test(survivor.output()), 60_000, survivor.output);
    expect(await distinctCountsPerKey(output)).toEqual(new Map(KEYS.map((k) => [k, everyCount])));
  }, 300_000);

  it('an instance killed with SIGKILL mid-batch and restarted on its state directory ends with exact counts and no lost output', async () => {
    const [input, output, group] = [uniqueName('kill9-in'), uniqueName('kill9-out'), uniqueName('kill9-g')];
    await createTopics(broker.address, [input, output], 2);
    const producing = produceRecords(input, 50);
    const env = { COUNTER_BROKER: broker.address, COUNTER_GROUP: group, COUNTER_INPUT: input, COUNTER_OUTPUT: output, COUNTER_WORK_MS: '1' };
    const stateDir = tempDir('sluice-kill9-');

    const first = startCounter(env, stateDir);
    await waitFor('the app to process 1000 records', () => processedCount(first.output()) >= 1000, 60_000, first.output);
    first.child.kill('SIGKILL');
    await first.exited;
    const restarted = startCounter(env, stateDir);
    await producing;

    const counts = await finalCounts(output, 120_000).catch((e: Error) => {
      throw new Error(`${e.message}\n--- restarted app log ---\n${restarted.output()}`);
    });
    expect(counts).toEqual(exact);
    expect(await distinctCountsPerKey(output)).toEqual(new Map(KEYS.map((k) => [k, everyCount])));
  }, 300_000);
});

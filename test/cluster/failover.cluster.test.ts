// Scale-out and failover on a real cluster: a three-node Apache Kafka KRaft cluster from the Maven
// jars (scripts/kafka/kafka.sh start --nodes 3), a 6-partition input and the app's output and
// changelog replicated 3 times, two instances of the word counter in one group under exactly-once.
// SIGKILL one instance: the other takes over its partitions and state. Stop the Kafka node leading
// the most input partitions mid-stream: the apps ride through the leader change. In both, the final
// counts are exact and a read_committed reader sees every count once. Run by `npm run test:cluster`
// (CI runs it after the Apache Kafka suites); it starts and stops its own cluster.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KafkajsAdmin } from '../../src/kafka/kafkajs/kafkajs-admin.ts';
import { testKafka, uniqueName } from '../support/test-broker.ts';
import { committedCounts, produceWords, startWordCount, waitFor, type WordCountChild } from '../eos/word-count-child.ts';

const KAFKA_SH = fileURLToPath(new URL('../../scripts/kafka/kafka.sh', import.meta.url));
const run = promisify(execFile);
const WORDS = Array.from({ length: 30 }, (_, i) => `word${i}`);
const PARTITIONS = 6;

let dir: string;
let bootstrap: string;

/** Whether `port` on 127.0.0.1 can be listened on. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with the two after it free too (the cluster's three brokers). */
async function threeFreePorts(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 20_000);
    if ((await portFree(base)) && (await portFree(base + 1)) && (await portFree(base + 2))) return base;
  }
  throw new Error('no three consecutive free ports found');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'));
  const port = await threeFreePorts();
  const { stdout } = await run(KAFKA_SH, ['start', '--nodes', '3', '--port', String(port), '--dir', dir], { timeout: 300_000 });
  bootstrap = stdout.trim().split('\n').pop()!;
}, 320_000);

afterAll(async () => {
  await run(KAFKA_SH, ['stop', '--dir', dir], { timeout: 120_000 }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}, 130_000);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Creates the input and output topics: 6 partitions, 3 replicas (once their leaders serve them). */
async function createReplicatedTopics(...topics: string[]): Promise<void> {
  const admin = new KafkajsAdmin(testKafka(bootstrap));
  try {
    await admin.createTopics(topics.map((name) => ({ name, numPartitions: PARTITIONS, replicationFactor: 3 })));
  } finally {
    await admin.close();
  }
}

/** The node that leads the most partitions of `topic`. */
async function busiestLeader(topic: string): Promise<number> {
  const admin = new KafkajsAdmin(testKafka(bootstrap));
  try {
    const [described] = await admin.describeTopics([topic]);
    const led = new Map<number, number>();
    for (const p of described!.partitions) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
    return [...led].sort((a, b) => b[1] - a[1])[0]![0];
  } finally {
    await admin.close();
  }
}

function startInstance(env: { input: string; output: string; group: string }): WordCountChild {
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-cluster-app-'));
  const child = startWordCount({ broker: bootstrap, ...env, stateDir, guarantee: 'exactly-once', replication: 3 });
  cleanups.push(async () => {
    await child.kill();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return child;
}

/** Produces one round (every word once) and counts it. */
function rounds(input: string): { produce(n: number): Promise<number> } {
  let produced = 0;
  return {
    produce: async (n) => {
      for (let i = 0; i < n; i++) {
        await produceWords(bootstrap, input, WORDS);
        produced += 1;
      }
      return produced;
    },
  };
}

/** Waits until every word's count reached `expected`, then checks every count was written once. */
async function expectEveryCountOnce(output: string, expected: number, diagnostics: () => string): Promise<void> {
  let counts = new Map<string, number[]>();
  await waitFor(
    `every word counted ${expected} times`,
    async () => {
      counts = await committedCounts(bootstrap, output);
      return WORDS.every((w) => Math.max(0, ...(counts.get(w) ?? [])) >= expected);
    },
    240_000,
    diagnostics,
  );
  const every = Array.from({ length: expected }, (_, i) => i + 1);
  expect(new Map([...counts].map(([w, c]) => [w, [...c].sort((a, b) => a - b)])), diagnostics()).toEqual(new Map(WORDS.map((w) => [w, every])));
}

/** Topics for `name`, two instances in one group, input produced until both have processed some of it. */
async function twoBusyInstances(name: string) {
  const [input, output, group] = [uniqueName(`${name}-in`), uniqueName(`${name}-out`), uniqueName(`${name}-g`)];
  await createReplicatedTopics(input, output);
  const words = rounds(input);
  const [a, b] = [startInstance({ input, output, group }), startInstance({ input, output, group })];
  const diagnostics = () => `--- a ---\n${a.output()}\n--- b ---\n${b.output()}`;
  // input keeps coming until both instances have processed some of it (each owns partitions)
  for (let i = 0; i < 300 && (a.processed() === 0 || b.processed() === 0); i++) {
    await words.produce(1);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(a.processed() > 0 && b.processed() > 0, diagnostics()).toBe(true);
  return { input, output, words, a, b, diagnostics };
}

describe('word counter on a three-node Kafka cluster, exactly-once', () => {
  it('a SIGKILLed instance’s partitions and state move to the other: counts exact, every count once', async () => {
    const { output, words, b, diagnostics } = await twoBusyInstances('cluster-kill');
    await b.kill();
    const total = await words.produce(20);
    await expectEveryCountOnce(output, total, diagnostics);
  }, 600_000);

  it('rides through the loss of the node leading the most input partitions: counts exact, every count once', async () => {
    const { input, output, words, a, b, diagnostics } = await twoBusyInstances('cluster-leader');
    const leader = await busiestLeader(input);
    await run(KAFKA_SH, ['stop', '--dir', dir, '--node', String(leader)], { timeout: 120_000 });
    cleanups.push(async () => void (await run(KAFKA_SH, ['start-node', String(leader), '--dir', dir], { timeout: 180_000 })));
    await waitFor(`the partitions node ${leader} led to get other leaders`, async () => (await busiestLeader(input).catch(() => leader)) !== leader, 60_000, diagnostics);
    const total = await words.produce(20);
    await expectEveryCountOnce(output, total, diagnostics);
    expect(a.child.exitCode ?? b.child.exitCode, diagnostics()).toBeNull(); // both apps still running
  }, 600_000);
});

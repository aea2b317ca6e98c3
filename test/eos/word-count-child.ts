// Runs the word-count fixture (fixtures/word-count-app.ts) as child processes for the crash and
// fencing tests, and reads back what a read_committed reader of its output sees.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import type { ProcessingGuarantee } from '../../src/app/application-config.ts';
import { testKafka } from '../support/test-broker.ts';

const APP = fileURLToPath(new URL('./fixtures/word-count-app.ts', import.meta.url));

/** One word-count process. */
export interface WordCountChild {
  readonly child: ChildProcess;
  /** Everything it printed (stdout and stderr). */
  output(): string;
  /** Records it processed, from its last `processed N` line. */
  processed(): number;
  readonly exited: Promise<unknown>;
  /** SIGKILL (if still running) and wait for the exit. */
  kill(): Promise<void>;
}

/** What the fixture needs: broker, topics, group, state directory, guarantee, commit interval. */
export interface WordCountEnv {
  broker: string;
  input: string;
  output: string;
  group: string;
  stateDir: string;
  guarantee: ProcessingGuarantee;
  commitMs?: number;
  /** Replicas of the app's topics and changelog (a cluster); default 1. */
  replication?: number;
}

/**
 * Starts a word-count process.
 *
 * @example
 * ```ts
 * const child = startWordCount({ broker, input, output, group, stateDir, guarantee: 'exactly-once' });
 * await waitFor('progress', () => child.processed() >= 500, 60_000, child.output);
 * await child.kill();
 * ```
 */
export function startWordCount(env: WordCountEnv): WordCountChild {
  const child = spawn(process.execPath, ['--import', 'tsx', APP], {
    env: {
      ...process.env,
      WC_BROKER: env.broker,
      WC_INPUT: env.input,
      WC_OUTPUT: env.output,
      WC_GROUP: env.group,
      WC_STATE_DIR: env.stateDir,
      WC_COMMIT_MS: String(env.commitMs ?? 250),
      WC_REPLICATION: String(env.replication ?? 1),
      SLUICE_PROCESSING_GUARANTEE: env.guarantee,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    output: () => out,
    processed: () => Math.max(0, ...[...out.matchAll(/^processed (\d+)$/gm)].map((m) => Number(m[1]))),
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Waits (polling every 25 ms) until `condition` holds; throws after `timeoutMs` with `diagnostics()`.
 *
 * @example
 * ```ts
 * await waitFor('the child to process 100 records', () => child.processed() >= 100, 60_000, child.output);
 * ```
 */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number, diagnostics: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Produces `words` (key = word, value `{ word }`) to `topic`, in batches.
 *
 * @example
 * ```ts
 * await produceWords(broker.address, 'words', ['a', 'b', 'a']);
 * ```
 */
export async function produceWords(broker: string, topic: string, words: readonly string[]): Promise<void> {
  const producer = testKafka(broker).producer();
  await producer.connect();
  try {
    for (let i = 0; i < words.length; i += 1000) {
      const messages = words.slice(i, i + 1000).map((word) => ({ key: word, value: JSON.stringify({ word }) }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Every `{ word, count }` of `topic` a read_committed reader sees (each partition read to its last
 * stable offset), as the list of counts per word in the order they were written.
 *
 * @example
 * ```ts
 * const counts = await committedCounts(broker.address, 'word-counts');
 * counts.get('the'); // [1, 2, 3]
 * ```
 */
export async function committedCounts(broker: string, topic: string): Promise<Map<string, number[]>> {
  const client = createKafkaClient({ brokerAddress: broker, clientId: 'sluice-test-reader', logger: pino({ level: 'silent' }), client: 'kafkajs' });
  const seen = new Map<string, number[]>();
  try {
    for (const { partition, high } of await client.admin.listOffsets(topic)) {
      for await (const batch of client.readPartition({ topic, partition, fromOffset: 0, toOffset: high, isolationLevel: 'read_committed', stallTimeoutMs: 30_000 })) {
        for (const m of batch) {
          const { word, count } = JSON.parse(m.value!.toString()) as { word: string; count: number };
          if (!seen.has(word)) seen.set(word, []);
          seen.get(word)!.push(count);
        }
      }
    }
  } finally {
    await client.close();
  }
  return seen;
}

// Produces every joke in data/jokes.json to the topic `jokes` (key = id, JSON value).
//   npx tsx apps/jokes-producer.ts --broker localhost:9092 [--count 10] [--rate 5]
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { Application, GeneratorSource } from '../src/index.ts';
import type { LogLevel } from '../src/logger.ts';
import { isMain, parseAppFlags } from './app-flags.ts';

/** One joke of data/jokes.json. */
export interface Joke {
  id: number;
  category: string;
  text: string;
}

export const JOKES_TOPIC = 'jokes';
const JOKES_FILE = new URL('../data/jokes.json', import.meta.url);

/**
 * Reads the sample jokes.
 *
 * @example
 * ```ts
 * const jokes = loadJokes(); // [{ id: 1, category: 'programming', text: '...' }, ...]
 * ```
 */
export function loadJokes(file: URL | string = JOKES_FILE): Joke[] {
  return JSON.parse(readFileSync(file, 'utf8')) as Joke[];
}

/** How many partitions `topic` has on the broker. */
async function partitionCount(broker: string, topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'jokes-producer-admin', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

/** Options of {@link produceJokes}. */
export interface ProduceJokesOptions {
  broker: string;
  /** How many jokes (cycling through the file when larger than it); default all of them once. */
  count?: number;
  /** Jokes per second; 0 = as fast as possible. */
  rate?: number;
  /** Topic to write to; default `jokes`. */
  topic?: string;
  /** Print no summary. */
  quiet?: boolean;
  logLevel?: LogLevel;
}

/**
 * Produces the jokes through a {@link GeneratorSource} (cycling through the file when `count` is
 * larger than it) and resolves with how many were sent and how many partitions the topic has.
 * On a terminal a progress bar follows the count; Ctrl-C stops after what was sent so far.
 *
 * @example
 * ```ts
 * const { produced } = await produceJokes({ broker: 'localhost:9092', count: 10 });
 * ```
 */
export async function produceJokes(options: ProduceJokesOptions): Promise<{ produced: number; partitions: number }> {
  const jokes = loadJokes();
  const count = options.count ?? jokes.length;
  const app = new Application({ brokerAddress: options.broker, clientId: 'jokes-producer', ...(options.logLevel ? { logLevel: options.logLevel } : {}) });
  const topic = app.topic<Joke>(options.topic ?? JOKES_TOPIC);
  let produced = 0;
  const source = new GeneratorSource<Joke>({
    name: 'jokes-producer',
    count,
    rate: options.rate ?? 0,
    generate: (i) => {
      const joke = jokes[i % jokes.length]!;
      produced = i + 1;
      return { key: String(joke.id), value: joke };
    },
  });
  app.addSource(source, topic);
  const started = Date.now();
  await app.run();
  const partitions = await partitionCount(options.broker, topic.name);
  if (!options.quiet) console.log(`jokes-producer: produced ${produced} jokes to "${topic.name}" (${partitions} partition(s)) in ${Date.now() - started} ms`);
  return { produced, partitions };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'jokes-producer', description: `Produces data/jokes.json to "${JOKES_TOPIC}" (key = id, JSON value)`, kind: 'producer' });
  await produceJokes({ broker: flags.broker, count: flags.count, rate: flags.rate });
}

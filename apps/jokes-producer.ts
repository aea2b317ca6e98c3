// Produces every joke in data/jokes.json to the topic `jokes` (key = id, JSON value).
//   npx tsx apps/jokes-producer.ts --broker localhost:9092 [--count 10] [--rate 5]
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { Application } from '../src/index.ts';
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

/** Creates `topic` when the broker lacks it (the producer does not auto-create); returns its partition count. */
async function ensureTopic(broker: string, topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'jokes-producer-admin', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) await admin.createTopics({ waitForLeaders: true, topics: [{ topic }] });
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
 * Produces the jokes with `app.getProducer()` and resolves with how many were sent and how many
 * partitions the topic has.
 *
 * @example
 * ```ts
 * const { produced } = await produceJokes({ broker: 'localhost:9092', count: 10 });
 * ```
 */
export async function produceJokes(options: ProduceJokesOptions): Promise<{ produced: number; partitions: number }> {
  const jokes = loadJokes();
  const count = options.count ?? jokes.length;
  const rate = options.rate ?? 0;
  const app = new Application({ brokerAddress: options.broker, clientId: 'jokes-producer', ...(options.logLevel ? { logLevel: options.logLevel } : {}) });
  const topic = app.topic<Joke>(options.topic ?? JOKES_TOPIC);
  const partitions = await ensureTopic(options.broker, topic.name);
  const producer = app.getProducer();
  const started = Date.now();
  try {
    for (let i = 0; i < count; i += 1) {
      const joke = jokes[i % jokes.length];
      producer.produce(topic, { key: String(joke.id), value: joke });
      if (rate > 0) {
        await producer.flush();
        const wait = started + ((i + 1) / rate) * 1000 - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    await producer.flush();
  } finally {
    await producer.close();
  }
  if (!options.quiet) console.log(`jokes-producer: produced ${count} jokes to "${topic.name}" (${partitions} partition(s)) in ${Date.now() - started} ms`);
  return { produced: count, partitions };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'jokes-producer', description: `Produces data/jokes.json to "${JOKES_TOPIC}" (key = id, JSON value)`, kind: 'producer' });
  await produceJokes({ broker: flags.broker, count: flags.count, rate: flags.rate });
}

// Produces every joke in data/jokes.json to the topic `jokes` (key = id, JSON value).
//   npx tsx apps/jokes-producer.ts --broker localhost:9092 [--count 10] [--rate 5]
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
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
  const topic = options.topic ?? JOKES_TOPIC;
  const kafka = new Kafka({ clientId: 'jokes-producer', brokers: [options.broker], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const started = Date.now();
  try {
    const batch = rate > 0 ? 1 : 100;
    for (let i = 0; i < count; i += batch) {
      const messages = [];
      for (let j = i; j < Math.min(count, i + batch); j += 1) {
        const joke = jokes[j % jokes.length];
        messages.push({ key: String(joke.id), value: JSON.stringify(joke) });
      }
      await producer.send({ topic, messages });
      if (rate > 0) {
        const wait = started + ((i + 1) / rate) * 1000 - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).finally(() => admin.disconnect());
  const partitions = metadata.topics[0]?.partitions.length ?? 0;
  if (!options.quiet) console.log(`jokes-producer: produced ${count} jokes to "${topic}" (${partitions} partition(s)) in ${Date.now() - started} ms`);
  return { produced: count, partitions };
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'jokes-producer', description: `Produces data/jokes.json to "${JOKES_TOPIC}" (key = id, JSON value)`, kind: 'producer' });
  await produceJokes({ broker: flags.broker, count: flags.count, rate: flags.rate });
}

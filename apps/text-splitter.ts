// Splits each joke of `jokes` into lowercase words and writes { word, joke_id } to `words`, key = word.
//   npx tsx apps/text-splitter.ts --broker localhost:9092
import { Application } from '../src/index.ts';
import type { LogLevel } from '../src/logger.ts';
import { isMain, parseAppFlags, type FlagAppOptions } from './app-flags.ts';
import { JOKES_TOPIC, type Joke } from './jokes-producer.ts';

/** One word of one joke, as written to `words`. */
export interface WordRecord {
  word: string;
  joke_id: number;
}

export const WORDS_TOPIC = 'words';

/**
 * Lowercase words of a text, punctuation stripped (apostrophes inside words are kept).
 *
 * @example
 * ```ts
 * splitWords("It's a cat, isn't it?"); // ["it's", 'a', 'cat', "isn't", 'it']
 * ```
 */
export function splitWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);
}

/** Options of {@link createTextSplitter}; only `broker` is required. */
export interface TextSplitterOptions {
  broker: string;
  inputTopic?: string;
  outputTopic?: string;
  consumerGroup?: string;
  logLevel?: LogLevel;
  /** Bad-message handling and other options the app's flags set. */
  appOptions?: FlagAppOptions;
}

/**
 * The text-splitter app (consumer group `text-splitter`); call `run()` to start it.
 *
 * @example
 * ```ts
 * const app = createTextSplitter({ broker: 'localhost:9092' });
 * await app.run();
 * ```
 */
export function createTextSplitter(options: TextSplitterOptions): Application {
  const app = new Application({
    brokerAddress: options.broker,
    consumerGroup: options.consumerGroup ?? 'text-splitter',
    autoOffsetReset: 'earliest',
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...options.appOptions,
  });
  const jokes = app.topic<Joke>(options.inputTopic ?? JOKES_TOPIC);
  const words = app.topic<WordRecord>(options.outputTopic ?? WORDS_TOPIC);
  app
    .dataframe(jokes)
    .expand((joke) => splitWords(joke.text).map((word): WordRecord => ({ word, joke_id: joke.id })))
    .toTopic(words, { key: (record) => record.word });
  return app;
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'text-splitter', description: `Splits jokes from "${JOKES_TOPIC}" into words on "${WORDS_TOPIC}"`, kind: 'processor' });
  const app = createTextSplitter({ broker: flags.broker, appOptions: flags.appOptions });
  if (flags.seconds !== undefined) setTimeout(() => void app.stop(), flags.seconds * 1000).unref();
  await app.run();
}

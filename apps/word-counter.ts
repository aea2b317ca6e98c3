// Keeps a running count per word of `words` and writes { word, count } to `word-counts`, key = word.
//   npx tsx apps/word-counter.ts --broker localhost:9092
import { Application, type ApplicationOptions, type State } from '../src/index.ts';
import type { LogLevel } from '../src/logger.ts';
import { isMain, parseAppFlags, type FlagAppOptions } from './app-flags.ts';
import { WORDS_TOPIC, type WordRecord } from './text-splitter.ts';

/** A word's running count, as written to `word-counts`. */
export interface WordCount {
  word: string;
  count: number;
}

export const WORD_COUNTS_TOPIC = 'word-counts';

/**
 * The `n` highest counts, ties broken alphabetically.
 *
 * @example
 * ```ts
 * topWords(new Map([['a', 2], ['b', 5]]), 1); // [['b', 5]]
 * ```
 */
export function topWords(counts: ReadonlyMap<string, number>, n: number): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
}

/** Options of {@link createWordCounter}; only `broker` is required. */
export interface WordCounterOptions {
  broker: string;
  inputTopic?: string;
  outputTopic?: string;
  consumerGroup?: string;
  logLevel?: LogLevel;
  /** The running counts (in memory); pass a Map to read them from outside. */
  counts?: Map<string, number>;
  /** Where the durable counts are kept; default `./state`. */
  stateDir?: string;
  /** Replicas of its topics and of the changelog (which follows the input topic); default 1. */
  replicationFactor?: number;
  /** Bad-message handling, the processing guarantee and other options (e.g. those the app's flags set). */
  appOptions?: FlagAppOptions & ApplicationOptions;
}

/**
 * The word-counter app (consumer group `word-counter`); call `run()` to start it. Counts are
 * durable state (kept under `./state`, changelogged), so a restarted counter continues from them;
 * `options.counts` mirrors the counts seen by this process.
 *
 * @example
 * ```ts
 * const counts = new Map<string, number>();
 * const app = createWordCounter({ broker: 'localhost:9092', counts });
 * setTimeout(() => void app.stop(), 10_000);
 * await app.run();
 * console.log(topWords(counts, 5));
 * ```
 */
export function createWordCounter(options: WordCounterOptions): Application {
  const app = new Application({
    brokerAddress: options.broker,
    consumerGroup: options.consumerGroup ?? 'word-counter',
    autoOffsetReset: 'earliest',
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...options.appOptions,
  });
  const config = options.replicationFactor ? { config: { replicationFactor: options.replicationFactor } } : {};
  const words = app.topic<WordRecord>(options.inputTopic ?? WORDS_TOPIC, config);
  const wordCounts = app.topic<WordCount>(options.outputTopic ?? WORD_COUNTS_TOPIC, config);
  const counts = options.counts ?? new Map<string, number>();
  app
    .dataframe(words)
    .apply((record, state: State): WordCount => {
      if (typeof record.word !== 'string') throw new TypeError(`expected { word: string }, got ${JSON.stringify(record).slice(0, 100)}`);
      // durable per-word count (the message key is the word): LMDB + changelog, survives restarts
      const count = state.get('count', 0) + 1;
      state.set('count', count);
      counts.set(record.word, count);
      return { word: record.word, count };
    }, { stateful: true })
    .toTopic(wordCounts, { key: (wc) => wc.word });
  return app;
}

function printTop(counts: ReadonlyMap<string, number>): void {
  const top = topWords(counts, 10).map(([w, c]) => `${w}=${c}`).join(' ');
  console.log(`word-counter: ${counts.size} distinct words updated since start${top ? `; top: ${top}` : ''}`);
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'word-counter', description: `Counts words from "${WORDS_TOPIC}" into "${WORD_COUNTS_TOPIC}"`, kind: 'processor' });
  const counts = new Map<string, number>();
  const app = createWordCounter({ broker: flags.broker, counts, appOptions: flags.appOptions });
  let printedAt = -1;
  const report = setInterval(() => {
    if (app.stats.processed !== printedAt) printTop(counts);
    printedAt = app.stats.processed;
  }, 10_000);
  report.unref();
  if (flags.seconds !== undefined) setTimeout(() => void app.stop(), flags.seconds * 1000).unref();
  try {
    await app.run();
  } finally {
    clearInterval(report);
    printTop(counts);
  }
}

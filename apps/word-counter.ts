// Keeps a running count per word of `words` and writes { word, count } to `word-counts`, key = word.
//   npx tsx apps/word-counter.ts --broker localhost:9092
import { KafkajsStage } from './kafkajs-stage.ts';
import { isMain, parseAppFlags } from './app-flags.ts';
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

/** Options of {@link createWordCounter}. */
export interface WordCounterOptions {
  broker: string;
  inputTopic?: string;
  outputTopic?: string;
  consumerGroup?: string;
  /** Print the top words every `reportEveryMs` (default 10 s) and at stop; `quiet` prints nothing. */
  quiet?: boolean;
  reportEveryMs?: number;
}

/**
 * The word-counter app (consumer group `word-counter`); call `run()` to start it.
 *
 * @example
 * ```ts
 * const app = createWordCounter({ broker: 'localhost:9092' });
 * await app.run();
 * ```
 */
export function createWordCounter(options: WordCounterOptions): KafkajsStage<WordRecord, WordCount> {
  const counts = new Map<string, number>();
  const app = new KafkajsStage<WordRecord, WordCount>({
    broker: options.broker,
    consumerGroup: options.consumerGroup ?? 'word-counter',
    inputTopic: options.inputTopic ?? WORDS_TOPIC,
    outputTopic: options.outputTopic ?? WORD_COUNTS_TOPIC,
    transform: (record) => {
      const count = (counts.get(record.word) ?? 0) + 1;
      counts.set(record.word, count);
      return [{ key: record.word, value: { word: record.word, count } }];
    },
  });
  if (!options.quiet) {
    const print = (): void => {
      if (counts.size > 0) console.log(`word-counter top words: ${topWords(counts, 10).map(([w, c]) => `${w}=${c}`).join(' ')}`);
    };
    const timer = setInterval(print, options.reportEveryMs ?? 10_000);
    timer.unref();
    app.onStop(() => {
      clearInterval(timer);
      print();
    });
  }
  return app;
}

if (isMain(import.meta.url)) {
  const flags = parseAppFlags({ name: 'word-counter', description: `Counts words from "${WORDS_TOPIC}" into "${WORD_COUNTS_TOPIC}"`, kind: 'processor' });
  const app = createWordCounter({ broker: flags.broker });
  if (flags.seconds !== undefined) setTimeout(() => void app.stop(), flags.seconds * 1000);
  await app.run();
}

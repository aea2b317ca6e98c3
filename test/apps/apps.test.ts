import { describe, expect, it } from 'vitest';
import { parseAppFlags } from '../../apps/app-flags.ts';
import { loadJokes } from '../../apps/jokes-producer.ts';
import { splitWords } from '../../apps/text-splitter.ts';
import { topWords } from '../../apps/word-counter.ts';
import { expectedWordCounts, readJokesFile, wordsOf } from './expected-counts.ts';

describe('sample data and app helpers', () => {
  it('ships at least 60 jokes with unique ids, a category and text', () => {
    const jokes = loadJokes();
    expect(jokes.length).toBeGreaterThanOrEqual(60);
    expect(new Set(jokes.map((j) => j.id)).size).toBe(jokes.length);
    expect(new Set(jokes.map((j) => j.text)).size).toBe(jokes.length);
    for (const joke of jokes) {
      expect(joke.category).toMatch(/^[a-z]+$/);
      expect(joke.text.length).toBeGreaterThan(20);
    }
    expect(new Set(jokes.map((j) => j.category)).size).toBeGreaterThanOrEqual(8);
  });

  it('splits text into lowercase words without punctuation', () => {
    expect(splitWords("Why? It's 7 o'clock, Mr. Cat!")).toEqual(['why', "it's", '7', "o'clock", 'mr', 'cat']);
    expect(splitWords('  --  ')).toEqual([]);
    expect(splitWords('append only, no regrets.')).toEqual(['append', 'only', 'no', 'regrets']);
  });

  it('splits every joke the same way as the independent reference', () => {
    for (const joke of readJokesFile()) expect(splitWords(joke.text)).toEqual(wordsOf(joke.text));
  });

  it('orders top words by count, then alphabetically', () => {
    const counts = new Map([['b', 2], ['a', 2], ['c', 5], ['d', 1]]);
    expect(topWords(counts, 3)).toEqual([['c', 5], ['a', 2], ['b', 2]]);
    const all = expectedWordCounts(readJokesFile());
    const [first] = topWords(all, 1);
    expect(first[1]).toBe(Math.max(...all.values()));
  });

  it('parses an app’s own flags beside the common ones, camel-cased', () => {
    const spec = { name: 'inventory-service', description: 'test', kind: 'processor' as const, options: { 'low-stock': { type: 'number' as const, default: 50 } } };
    expect(parseAppFlags<{ lowStock: number }>(spec, ['--low-stock', '7', '--broker', 'h:1', '--seconds', '3'])).toEqual({ lowStock: 7, broker: 'h:1', count: undefined, rate: 0, seconds: 3, appOptions: {} });
    expect(parseAppFlags<{ lowStock: number }>(spec, []).lowStock).toBe(50);
  });
});

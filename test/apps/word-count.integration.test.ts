import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceJokes } from '../../apps/jokes-producer.ts';
import { createTextSplitter } from '../../apps/text-splitter.ts';
import { createWordCounter } from '../../apps/word-counter.ts';
import { consumeAll, consumeLatestByKey, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { expectedWordCounts, readJokesFile, wordsOf } from './expected-counts.ts';

function countOf(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  return (JSON.parse(value) as { count?: number }).count;
}

describe('jokes → text-splitter → word-counter', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('counts every word of data/jokes.json end to end', async () => {
    const jokes = readJokesFile();
    const expected = expectedWordCounts(jokes);
    const totalWords = jokes.reduce((n, j) => n + wordsOf(j.text).length, 0);
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-word-counter-'));
    const topics = { jokes: uniqueName('jokes'), words: uniqueName('words'), counts: uniqueName('word-counts') };

    const { produced } = await produceJokes({ broker: broker.address, topic: topics.jokes, quiet: true, logLevel: 'warn' });
    expect(produced).toBe(jokes.length);

    const splitter = createTextSplitter({ broker: broker.address, inputTopic: topics.jokes, outputTopic: topics.words, consumerGroup: uniqueName('text-splitter'), logLevel: 'warn' });
    const counter = createWordCounter({ broker: broker.address, inputTopic: topics.words, outputTopic: topics.counts, consumerGroup: uniqueName('word-counter'), logLevel: 'warn', stateDir });
    const running = [splitter.run(), counter.run()];
    try {
      const latest = await consumeLatestByKey(
        broker.address,
        topics.counts,
        (m) => m.size === expected.size && [...expected].every(([word, count]) => countOf(m.get(word)) === count),
        60_000,
      );
      const actual = new Map([...latest].map(([key, value]) => [key, countOf(value)]));
      expect(actual).toEqual(expected);
      for (const [key, value] of latest) expect(JSON.parse(value ?? 'null')).toEqual({ word: key, count: expected.get(key) });

      const words = await consumeAll(broker.address, topics.words, totalWords, 30_000);
      const first = words.find((r) => r.key === 'my');
      expect(first && JSON.parse(first.value ?? '{}')).toMatchObject({ word: 'my' });
      expect(words.every((r) => r.key === (JSON.parse(r.value ?? '{}') as { word: string }).word)).toBe(true);
    } finally {
      await Promise.all([splitter.stop(), counter.stop()]);
      await Promise.all(running);
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

// The crash test of both processing guarantees, with real processes: 20,000 keyed words go
// through the word counter, which is killed with SIGKILL five times at random points of its
// progress and restarted on the same state directory. Exactly-once: the final counts are exact and
// a read_committed reader of the output sees every count of every word once. At-least-once: the
// final counts are exact and no count is missing (some may repeat).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessingGuarantee } from '../../src/app/application-config.ts';
import { createTopics, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { committedCounts, produceWords, startWordCount, waitFor, type WordCountChild } from './word-count-child.ts';

const MESSAGES = 20_000;
const WORDS = Array.from({ length: 100 }, (_, i) => `word${i}`);
const KILLS = 5;

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The input: every word 200 times, in a shuffled (but fixed) order. */
function input(): string[] {
  return Array.from({ length: MESSAGES }, (_, i) => WORDS[(i * 37 + Math.floor(i / 100)) % WORDS.length]!);
}

describe.each<ProcessingGuarantee>(['exactly-once', 'at-least-once'])('word count (%s) killed with SIGKILL five times', (guarantee) => {
  it(`ends with exact counts${guarantee === 'exactly-once' ? ' and every count written once' : ' and no count missing'}`, async () => {
    const [inputTopic, outputTopic, group] = [uniqueName('crash-in'), uniqueName('crash-out'), uniqueName('crash-g')];
    await createTopics(broker.address, [inputTopic, outputTopic], 3);
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-crash-'));
    cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const words = input();
    await produceWords(broker.address, inputTopic, words);
    const env = { broker: broker.address, input: inputTopic, output: outputTopic, group, stateDir, guarantee };
    const log: string[] = [];
    const start = (): WordCountChild => {
      const child = startWordCount(env);
      cleanups.push(() => child.kill());
      return child;
    };

    // Each instance is killed once it has processed a random number of records (1000-3500; its
    // replays included), so the five kills together never reach the end of the input.
    for (let kill = 1; kill <= KILLS; kill++) {
      const threshold = 1000 + Math.floor(Math.random() * 2500);
      const child = start();
      await waitFor(`instance ${kill} to process ${threshold} records`, () => child.processed() >= threshold, 120_000, () => `${log.join('\n')}\n${child.output()}`);
      await child.kill();
      log.push(`instance ${kill}: killed after processing ${child.processed()} (threshold ${threshold})`);
    }
    const last = start();
    const expected = new Map(WORDS.map((w) => [w, MESSAGES / WORDS.length]));
    let seen = new Map<string, number[]>();
    await waitFor(
      'the last instance to count every word',
      async () => {
        seen = await committedCounts(broker.address, outputTopic);
        return WORDS.every((w) => Math.max(0, ...(seen.get(w) ?? [])) >= expected.get(w)!);
      },
      180_000,
      () => `${log.join('\n')}\n${last.output()}`,
    );
    last.child.kill('SIGTERM');
    await last.exited;
    seen = await committedCounts(broker.address, outputTopic);

    const every = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
    const finals = new Map([...seen].map(([w, counts]) => [w, Math.max(...counts)]));
    expect(finals, log.join('\n')).toEqual(expected);
    if (guarantee === 'exactly-once') {
      // every count once, in order: nothing of a killed instance's open transactions is visible
      expect(new Map([...seen].map(([w, counts]) => [w, counts]))).toEqual(new Map(WORDS.map((w) => [w, every(expected.get(w)!)])));
    } else {
      const distinct = new Map([...seen].map(([w, counts]) => [w, [...new Set(counts)].sort((a, b) => a - b)]));
      expect(distinct).toEqual(new Map(WORDS.map((w) => [w, every(expected.get(w)!)])));
    }
  }, 600_000);
});

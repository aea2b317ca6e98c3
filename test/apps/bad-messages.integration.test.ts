// Poison records through the stateful word counter, on a real broker: malformed JSON, a wrong
// shape, an empty value, a tombstone and 900 KB values among good words. With a dead-letter topic
// each bad message lands there once (original bytes and headers plus the error headers), every
// good one is counted once, and the group commits the whole input; with --skip-bad-messages they
// are skipped; by default the app stops at the first one and a restart stops there again.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAppFlags, type FlagAppOptions } from '../../apps/app-flags.ts';
import { createWordCounter } from '../../apps/word-counter.ts';
import type { Application } from '../../src/app/application.ts';
import { DEAD_LETTER_HEADERS as H } from '../../src/app/dead-letter.ts';
import { DeserializationError } from '../../src/topics/serialization-errors.ts';
import { consumeAll, createTopics, testKafka, topicEndOffset, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

const KB900 = 900 * 1000;
const sha = (b: Buffer | string | null): string => createHash('sha256').update(b ?? '').digest('hex');

interface Input {
  key: string;
  value: string | null;
  /** What the README says happens to it: counted, or dead-lettered as this error at this operator. */
  expect: 'counted' | { errorClass: string; operator: string };
}

/** Good words with the bad messages between them, each bad one on a key that also has good ones. */
function inputs(): Input[] {
  const good = (word: string): Input => ({ key: word, value: JSON.stringify({ word, joke_id: 1 }), expect: 'counted' });
  return [
    good('alpha'),
    good('beta'),
    { key: 'alpha', value: '{"word":"alpha","joke', expect: { errorClass: 'DeserializationError', operator: 'deserialize-value' } },
    good('gamma'),
    { key: 'beta', value: '{"text":"beta"}', expect: { errorClass: 'ProcessingError', operator: 'apply' } },
    good('alpha'),
    { key: 'gamma', value: '', expect: { errorClass: 'DeserializationError', operator: 'deserialize-value' } },
    { key: 'alpha', value: null, expect: { errorClass: 'TombstoneError', operator: 'deserialize-value' } },
    good('beta'),
    { key: 'big', value: JSON.stringify({ word: 'big', padding: 'x'.repeat(KB900) }), expect: 'counted' },
    { key: 'huge', value: `{"word":"huge","padding":"${'y'.repeat(KB900)}`, expect: { errorClass: 'DeserializationError', operator: 'deserialize-value' } },
    good('alpha'),
    good('big'),
  ];
}

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Writes the inputs to a 2-partition topic (keyed: per-key order), each with a `source` header. */
async function produceInputs(topic: string, list: Input[]): Promise<void> {
  await createTopics(broker.address, [topic], 2);
  const producer = testKafka(broker.address).producer();
  await producer.connect();
  for (const [i, m] of list.entries()) {
    await producer.send({ topic, acks: -1, messages: [{ key: m.key, value: m.value === null ? null : Buffer.from(m.value), headers: { source: `input-${i}` } }] });
  }
  await producer.disconnect();
}

function counter(input: string, output: string, group: string, appOptions: FlagAppOptions): Application {
  const stateDir = mkdtempSync(join(tmpdir(), 'sluice-bad-messages-'));
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  return createWordCounter({ broker: broker.address, inputTopic: input, outputTopic: output, consumerGroup: group, logLevel: 'silent', stateDir, appOptions });
}

async function committed(group: string, topic: string): Promise<number> {
  const admin = testKafka(broker.address).admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return t!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Runs `app` until its group has committed `offsets` in total on `topic`, then stops it. */
async function runUntilCommitted(app: Application, group: string, topic: string, offsets: number): Promise<void> {
  const running = app.run();
  let failed: unknown;
  running.catch((e) => (failed = e));
  const deadline = Date.now() + 60_000;
  while ((await committed(group, topic)) < offsets) {
    if (failed) throw failed;
    if (Date.now() > deadline) throw new Error(`the group did not commit ${offsets} offsets of ${topic} within 60 s; stats ${JSON.stringify(app.stats)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await app.stop();
  await running;
}

/** Per word, the counts written to the output in the order written. */
async function outputCounts(topic: string, n: number): Promise<Map<string, number[]>> {
  const byWord = new Map<string, number[]>();
  for (const r of await consumeAll(broker.address, topic, n, 30_000)) {
    const { word, count } = JSON.parse(r.value!) as { word: string; count: number };
    expect(r.key).toBe(word);
    byWord.set(word, [...(byWord.get(word) ?? []), count]);
  }
  return byWord;
}

function expectedCounts(list: Input[]): Map<string, number[]> {
  const counts = new Map<string, number[]>();
  for (const m of list.filter((x) => x.expect === 'counted')) {
    const seen = counts.get(m.key) ?? [];
    counts.set(m.key, [...seen, seen.length + 1]);
  }
  return counts;
}

const sorted = (m: Map<string, number[]>) => new Map([...m].sort(([a], [b]) => a.localeCompare(b)));

describe('bad messages in the word counter', () => {
  it('with --dead-letter-topic: each bad message lands there once with its bytes, headers and error; every good one is counted once', async () => {
    const [input, output, dlq, group] = [uniqueName('bad-in'), uniqueName('bad-out'), uniqueName('bad-dlq'), uniqueName('bad-g')];
    const list = inputs();
    await produceInputs(input, list);
    const { appOptions } = parseAppFlags({ name: 'word-counter', description: '', kind: 'processor' }, ['--dead-letter-topic', dlq]);
    const app = counter(input, output, group, appOptions);
    await runUntilCommitted(app, group, input, list.length);

    const bad = list.map((m, i) => ({ ...m, i })).filter((m) => m.expect !== 'counted');
    expect(app.stats).toMatchObject({ processed: list.length, deadLettered: bad.length, skippedDeserializationErrors: 0, skippedProcessingErrors: 0 });
    const good = list.length - bad.length;
    expect(sorted(await outputCounts(output, good))).toEqual(sorted(expectedCounts(list)));
    expect(await topicEndOffset(broker.address, output)).toBe(good);

    expect(await topicEndOffset(broker.address, dlq)).toBe(bad.length);
    const letters = await consumeAll(broker.address, dlq, bad.length, 30_000);
    const bySource = new Map(letters.map((l) => [String(l.headers.source), l]));
    expect([...bySource.keys()].sort()).toEqual(bad.map((m) => `input-${m.i}`).sort());
    for (const m of bad) {
      const l = bySource.get(`input-${m.i}`)!;
      const want = m.expect as { errorClass: string; operator: string };
      expect(l.key).toBe(m.key);
      expect(l.value === null ? null : sha(l.value)).toBe(m.value === null ? null : sha(m.value));
      expect({
        errorClass: String(l.headers[H.errorClass]),
        operator: String(l.headers[H.operator]),
        topic: String(l.headers[H.topic]),
        app: String(l.headers[H.app]),
      }).toEqual({ ...want, topic: input, app: group });
      expect(String(l.headers[H.errorMessage])).toContain(`topic '${input}' partition ${String(l.headers[H.partition])} offset ${String(l.headers[H.offset])}`);
    }
    expect(String(bySource.get(`input-${bad.find((m) => m.value === null)!.i}`)!.headers[H.errorMessage])).toContain('is a tombstone');
  }, 180_000);

  it('with --skip-bad-messages: bad messages are skipped and counted, nothing is written for them, the input is committed', async () => {
    const [input, output, group] = [uniqueName('skip-in'), uniqueName('skip-out'), uniqueName('skip-g')];
    const list = inputs();
    await produceInputs(input, list);
    const { appOptions } = parseAppFlags({ name: 'word-counter', description: '', kind: 'processor' }, ['--skip-bad-messages']);
    const app = counter(input, output, group, appOptions);
    await runUntilCommitted(app, group, input, list.length);
    expect(app.stats).toMatchObject({ processed: list.length, deadLettered: 0, skippedDeserializationErrors: 4, skippedProcessingErrors: 1 });
    const good = list.filter((m) => m.expect === 'counted').length;
    expect(sorted(await outputCounts(output, good))).toEqual(sorted(expectedCounts(list)));
    expect(await topicEndOffset(broker.address, output)).toBe(good);
  }, 180_000);

  it('by default: stops at the first bad message without committing past it, and a restart stops there again', async () => {
    const [input, output, group] = [uniqueName('stop-in'), uniqueName('stop-out'), uniqueName('stop-g')];
    const list = inputs().map((m) => ({ ...m, key: 'one' })); // one key: one partition, in input order
    await produceInputs(input, list);
    const firstBad = list.findIndex((m) => m.expect !== 'counted');
    for (let run = 0; run < 2; run++) {
      const error = await counter(input, output, group, {}).run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DeserializationError);
      expect((error as Error).message).toMatch(new RegExp(`^cannot deserialize the value of the message at topic '${input}' partition \\d offset ${firstBad}: .*deadLetterTopic`));
      expect(await committed(group, input)).toBe(firstBad);
    }
    expect(await topicEndOffset(broker.address, output)).toBe(firstBad);
  }, 180_000);
});

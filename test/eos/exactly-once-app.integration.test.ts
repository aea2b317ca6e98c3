// Exactly-once processing in a sluice app on a real broker: a stateful counter with
// processingGuarantee 'exactly-once' writes its outputs, changelog and offsets in Kafka
// transactions; a second instance joining mid-stream (a rebalance moves partitions) changes
// nothing a read_committed reader sees: every count once, final counts exact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import { consumeAll, createTopics, testKafka, topicEndOffset, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

const KEYS = Array.from({ length: 12 }, (_, i) => `key-${i}`);

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());

function counterApp(opts: { input: string; output: string; group: string; stateDir: string }): Application {
  const app = new Application({
    brokerAddress: broker.address,
    consumerGroup: opts.group,
    stateDir: opts.stateDir,
    autoOffsetReset: 'earliest',
    commitInterval: 200,
    logLevel: 'warn',
    processingGuarantee: 'exactly-once',
  });
  app
    .dataframe(app.topic<{ n: number }>(opts.input))
    .apply((_v, state, ctx) => {
      const count = state.get('count', 0) + 1;
      state.set('count', count);
      return { key: String(ctx.key), count };
    }, { stateful: true })
    .toTopic(app.topic<{ key: string; count: number }>(opts.output));
  return app;
}

async function produceRounds(topic: string, from: number, rounds: number): Promise<void> {
  const producer = testKafka(broker.address).producer();
  await producer.connect();
  try {
    for (let r = from; r < from + rounds; r++) await producer.send({ topic, acks: -1, messages: KEYS.map((key) => ({ key, value: JSON.stringify({ n: r }) })) });
  } finally {
    await producer.disconnect();
  }
}

/** Every `{ key, count }` a read_committed reader sees, once `expected` records arrived. */
async function committedOutputs(topic: string, expected: number): Promise<Map<string, number[]>> {
  const records = await consumeAll(broker.address, topic, expected, 120_000);
  const seen = new Map<string, number[]>();
  for (const r of records) {
    const { key, count } = JSON.parse(r.value!) as { key: string; count: number };
    if (!seen.has(key)) seen.set(key, []);
    seen.get(key)!.push(count);
  }
  for (const counts of seen.values()) counts.sort((a, b) => a - b);
  return seen;
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('processingGuarantee exactly-once', () => {
  it('writes outputs in transactions and a joining instance (a rebalance) repeats no output', async () => {
    const [input, output, group] = [uniqueName('eos-in'), uniqueName('eos-out'), uniqueName('eos-g')];
    await createTopics(broker.address, [input, output], 4);
    const dirs = [mkdtempSync(join(tmpdir(), 'sluice-eos-a-')), mkdtempSync(join(tmpdir(), 'sluice-eos-b-'))];
    const first = counterApp({ input, output, group, stateDir: dirs[0]! });
    const second = counterApp({ input, output, group, stateDir: dirs[1]! });
    const running: Promise<void>[] = [];
    try {
      await produceRounds(input, 0, 10);
      running.push(first.run());
      await waitFor('the first instance to process 10 rounds', async () => first.stats.processed >= 10 * KEYS.length, 120_000);
      running.push(second.run());
      // input keeps coming while the group rebalances, until the second instance got partitions
      let rounds = 10;
      while (second.stats.processed === 0 && rounds < 400) {
        await produceRounds(input, rounds, 1);
        rounds += 1;
        await new Promise((r) => setTimeout(r, 250));
      }
      await produceRounds(input, rounds, 10);
      rounds += 10;
      expect(second.stats.processed).toBeGreaterThan(0);
      await waitFor(`${rounds} rounds of output to be committed`, async () => first.stats.processed + second.stats.processed >= rounds * KEYS.length, 180_000);
      const outputs = await committedOutputs(output, rounds * KEYS.length);
      const everyCount = Array.from({ length: rounds }, (_, i) => i + 1);
      expect(outputs).toEqual(new Map(KEYS.map((k) => [k, everyCount])));
      // transactions leave a commit marker per partition and transaction: the log holds more than the records
      expect(await topicEndOffset(broker.address, output)).toBeGreaterThan(rounds * KEYS.length);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
      await Promise.allSettled(running);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 300_000);
});

// GeneratorSource run by an Application against a broker (embedded, or SLUICE_TEST_BROKER).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import { GeneratorSource } from '../../src/sources/generator-source.ts';
import { consumeAll, createTopics, topicEndOffset, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

const newApp = (group = uniqueName('gen')) =>
  new Application({ brokerAddress: broker.address, consumerGroup: group, autoOffsetReset: 'earliest', commitInterval: 200, logLevel: 'silent' });

describe('GeneratorSource in an app', () => {
  it('produces exactly `count` messages, in order per key, then run() returns', async () => {
    const topicName = uniqueName('gen-count');
    await createTopics(broker.address, [topicName], 3);
    const app = newApp();
    const topic = app.topic<{ user: string; seq: number }>(topicName, { config: { numPartitions: 3 } });
    app.addSource(new GeneratorSource({ name: uniqueName('gen'), count: 2500, generate: (i) => ({ key: `u${i % 7}`, value: { user: `u${i % 7}`, seq: i } }) }), topic);
    await app.run();

    const records = await consumeAll(broker.address, topicName, 2500);
    expect(await topicEndOffset(broker.address, topicName)).toBe(2500);
    const seqs = records.map((r) => JSON.parse(r.value!).seq as number);
    expect(new Set(seqs).size).toBe(2500);
    expect(Math.max(...seqs)).toBe(2499);
    for (let u = 0; u < 7; u++) {
      const mine = records.filter((r) => r.key === `u${u}`);
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
      const order = mine.map((r) => JSON.parse(r.value!).seq as number);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('feeds app.dataframe(source): the pipeline processes what the source produced', async () => {
    const name = uniqueName('numbers');
    const out = uniqueName('squares');
    const app = newApp();
    app
      .dataframe(new GeneratorSource<number>({ name, count: 50, rate: 500, generate: (i) => ({ key: String(i), value: i }) }))
      .apply((n) => n * n)
      .toTopic(app.topic<number>(out));
    const running = app.run();
    const squares = await consumeAll(broker.address, out, 50, 40_000);
    await app.stop();
    await running;
    expect(squares.map((r) => Number(r.value)).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i * i));
    expect(await topicEndOffset(broker.address, name)).toBe(50); // the default topic is named after the source
  });

  it('an unbounded source stops with the app, and every message it counted is in the topic', async () => {
    const topicName = uniqueName('gen-unbounded');
    const app = newApp();
    let generated = 0;
    app.addSource(
      new GeneratorSource({ name: uniqueName('gen'), generate: (i) => ((generated = i + 1), { key: null, value: { i } }) }),
      app.topic(topicName),
    );
    const running = app.run();
    while ((await topicEndOffset(broker.address, topicName)) < 3000) await new Promise((r) => setTimeout(r, 50));
    await app.stop();
    await running;
    const end = await topicEndOffset(broker.address, topicName);
    expect(end).toBe(generated);
    const values = (await consumeAll(broker.address, topicName, end)).map((r) => JSON.parse(r.value!).i as number);
    expect(values).toEqual(Array.from({ length: end }, (_, i) => i));
  });
});

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import type { ApplicationOptions } from '../../src/app/application-config.ts';
import { ProcessingError } from '../../src/dataframe/processing-error.ts';
import { BrokerUnavailableError } from '../../src/kafka/broker-unavailable-error.ts';
import { DeserializationError } from '../../src/topics/serialization-errors.ts';
import { consumeAll, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

interface Order {
  id: number;
  user: string;
  amount: number;
}

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

function newApp(group: string, extra: ApplicationOptions = {}): Application {
  return new Application({
    brokerAddress: broker.address,
    consumerGroup: group,
    autoOffsetReset: 'earliest',
    commitInterval: 200,
    logLevel: 'silent',
    ...extra,
  });
}

/** Writes raw string values (some may be malformed JSON) to `topic`, creating it with `partitions`. */
async function produceRaw(topic: string, messages: { key: string; value: string }[], partitions = 1): Promise<void> {
  const admin = testKafka(broker.address).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  const producer = testKafka(broker.address).producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

/** Runs `app` until `done()` holds (checked every 50 ms, at most `timeoutMs`), then stops it. */
async function runUntil(app: Application, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const running = app.run();
  const started = Date.now();
  let failed: unknown;
  running.catch((e) => (failed = e));
  while (!done() && failed === undefined) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not reached within ${timeoutMs} ms; stats ${JSON.stringify(app.stats)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await app.stop();
  await running;
}

async function committedOffsets(group: string, topic: string): Promise<Record<number, string>> {
  const admin = testKafka(broker.address).admin();
  await admin.connect();
  try {
    const [res] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries(res.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

function orders(n: number, from = 0): { key: string; value: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const id = from + i;
    return { key: `user-${id % 4}`, value: JSON.stringify({ id, user: `user-${id % 4}`, amount: id * 10 }) };
  });
}

describe('Application against a broker', () => {
  it('consumes JSON, transforms and produces to an output topic, in per-key order', async () => {
    const input = uniqueName('orders');
    const output = uniqueName('big-orders');
    await produceRaw(input, orders(40), 3);
    const app = newApp(uniqueName('g'));
    const out = app.topic<{ id: number; cents: number }>(output, { config: { numPartitions: 2 } });
    app
      .dataframe(app.topic<Order>(input))
      .filter((o) => o.amount >= 100)
      .apply((o) => ({ id: o.id, cents: o.amount * 100 }))
      .toTopic(out);
    await runUntil(app, () => app.stats.processed >= 40);
    expect(app.stats).toMatchObject({ processed: 40, produced: 30 });
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [output] });
    await admin.disconnect();
    expect(topics[0].partitions).toHaveLength(2); // created by the app with its declared numPartitions

    const records = await consumeAll(broker.address, output, 30, 20_000);
    const byKey = new Map<string, number[]>();
    for (const r of records) byKey.set(r.key!, [...(byKey.get(r.key!) ?? []), JSON.parse(r.value!).id]);
    const expected = new Map<string, number[]>();
    for (let id = 10; id < 40; id++) expected.set(`user-${id % 4}`, [...(expected.get(`user-${id % 4}`) ?? []), id]);
    expect(Object.fromEntries(byKey)).toEqual(Object.fromEntries(expected));
    expect(records.find((r) => r.key === 'user-2' && JSON.parse(r.value!).id === 10)?.value).toBe('{"id":10,"cents":10000}'); // JSON.stringify: the object's key order
  }, 60_000);

  it('stops on malformed JSON with an error naming topic, partition and offset, and commits only before it', async () => {
    const input = uniqueName('bad');
    const msgs = orders(6);
    msgs[3] = { key: 'user-3', value: '{"id": 3, oops' };
    await produceRaw(input, msgs);
    const group = uniqueName('g');
    const app = newApp(group);
    const seen: number[] = [];
    app.dataframe(app.topic<Order>(input)).update((o) => void seen.push(o.id));
    const error = await app.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeserializationError);
    expect((error as DeserializationError).message).toContain(`topic '${input}' partition 0 offset 3`);
    expect(seen).toEqual([0, 1, 2]);
    expect(await committedOffsets(group, input)).toEqual({ 0: '3' });
  }, 60_000);

  it('stops when a callback throws, with a ProcessingError naming the message, unless onProcessingError skips it', async () => {
    const input = uniqueName('throws');
    await produceRaw(input, orders(6));
    const failing = (o: Order) => {
      if (o.id === 3) throw new Error('id 3 is cursed');
      return o.id;
    };
    const group = uniqueName('g');
    const strict = newApp(group);
    strict.dataframe(strict.topic<Order>(input)).apply(failing);
    const error = await strict.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProcessingError);
    expect((error as Error).message).toBe(`apply failed on the message at topic '${input}' partition 0 offset 3: id 3 is cursed; fix the callback, or set the app's deadLetterTopic to park such messages (onProcessingError to skip them)`);
    expect(await committedOffsets(group, input)).toEqual({ 0: '3' });

    const skipped: number[] = [];
    const lenient = newApp(group, { onProcessingError: (e) => skipped.push(e.offset) > 0 });
    const ids: number[] = [];
    lenient.dataframe(lenient.topic<Order>(input)).apply(failing).update((id) => void ids.push(id));
    await runUntil(lenient, () => lenient.stats.processed >= 3);
    expect({ ids, skipped, skippedStat: lenient.stats.skippedProcessingErrors }).toEqual({ ids: [4, 5], skipped: [3], skippedStat: 1 });
  }, 60_000);

  it('commits processed offsets every commitInterval while running, even when idle', async () => {
    const input = uniqueName('idle');
    const group = uniqueName('g');
    await produceRaw(input, orders(5));
    const app = newApp(group, { commitInterval: 300 });
    app.dataframe(app.topic<Order>(input)).apply((o) => o.id);
    const running = app.run();
    const deadline = Date.now() + 20_000;
    let committed: Record<number, string> = {};
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      committed = await committedOffsets(group, input);
      if (committed[0] === '5') break;
    }
    expect(committed).toEqual({ 0: '5' });
    await app.stop();
    await running;
  }, 60_000);

  it('skips malformed messages when onDeserializationError returns true', async () => {
    const input = uniqueName('bad-skip');
    const output = uniqueName('bad-skip-out');
    const msgs = orders(6);
    msgs[1] = { key: 'user-1', value: 'not json' };
    msgs[4] = { key: 'user-0', value: '' };
    await produceRaw(input, msgs);
    const skipped: number[] = [];
    const app = newApp(uniqueName('g'), {
      onDeserializationError: (e) => {
        skipped.push(e.offset);
        return true;
      },
    });
    app.dataframe(app.topic<Order>(input)).apply((o) => o.id).toTopic(app.topic<number>(output));
    await runUntil(app, () => app.stats.processed >= 6);
    expect(skipped).toEqual([1, 4]);
    expect(app.stats.skippedDeserializationErrors).toBe(2);
    const records = await consumeAll(broker.address, output, 4, 20_000);
    expect(records.map((r) => r.value)).toEqual(['0', '2', '3', '5']);
  }, 60_000);

  it('commits on stop so that a second run of the group resumes without reprocessing', async () => {
    const input = uniqueName('resume');
    const output = uniqueName('resume-out');
    await produceRaw(input, orders(10));
    const group = uniqueName('g');
    const build = () => {
      const app = newApp(group, { commitInterval: 60_000 });
      app.dataframe(app.topic<Order>(input)).apply((o) => o.id).toTopic(app.topic<number>(output));
      return app;
    };
    const first = build();
    await runUntil(first, () => first.stats.processed >= 10);
    expect(await committedOffsets(group, input)).toEqual({ 0: '10' });

    const producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({ topic: input, messages: orders(5, 10) });
    await producer.disconnect();

    const second = build();
    await runUntil(second, () => second.stats.processed >= 5);
    expect(second.stats.processed).toBe(5);
    const records = await consumeAll(broker.address, output, 15, 20_000);
    expect(records.map((r) => Number(r.value))).toEqual(Array.from({ length: 15 }, (_, i) => i));
  }, 60_000);

  it('shares partitions between two instances of a group, and together they process every message', async () => {
    const input = uniqueName('shared');
    const output = uniqueName('shared-out');
    await produceRaw(input, orders(20), 2);
    const group = uniqueName('g');
    const build = () => {
      const app = newApp(group);
      app.dataframe(app.topic<Order>(input)).apply((o) => o.id).toTopic(app.topic<number>(output));
      return app;
    };
    const first = build();
    const firstRun = first.run();
    const deadline = Date.now() + 30_000;
    while (first.stats.processed < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const second = build();
    const secondRun = second.run();
    const producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({ topic: input, messages: orders(20, 20) });
    await producer.disconnect();
    while (first.stats.processed + second.stats.processed < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await Promise.all([first.stop(), second.stop()]);
    await Promise.all([firstRun, secondRun]);
    const total = first.stats.processed + second.stats.processed;
    expect(total).toBeGreaterThanOrEqual(40);
    const records = await consumeAll(broker.address, output, total, 20_000);
    expect(new Set(records.map((r) => Number(r.value)))).toEqual(new Set(Array.from({ length: 40 }, (_, i) => i)));
  }, 90_000);

  it('stops on SIGTERM after committing what it processed', async () => {
    const input = uniqueName('signal');
    const output = uniqueName('signal-out');
    const group = uniqueName('g');
    await produceRaw(input, orders(5));
    const script = fileURLToPath(new URL('./fixtures/signal-app.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, DSL_BROKER: broker.address, DSL_GROUP: group, DSL_INPUT: input, DSL_OUTPUT: output },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 40_000;
    while (!stdout.includes('processed 4') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 20_000))]);
    if (code === 'timeout') child.kill('SIGKILL');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('stopped after 5');
    expect(await committedOffsets(group, input)).toEqual({ 0: '5' });
  }, 90_000);

  it('produces with the topic serializers through app.getProducer()', async () => {
    const topic = uniqueName('produced');
    const app = newApp(uniqueName('g'));
    const ints = app.topic<number>(topic, { valueSerializer: 'int', valueDeserializer: 'int' });
    await produceRaw(topic, []);
    const producer = app.getProducer();
    producer.produce(ints, { key: 'a', value: 258, headers: { h: 'x' } });
    producer.produce(ints, { key: 'b', value: -1 });
    await producer.close();
    const reader = newApp(uniqueName('g'));
    const seen: unknown[] = [];
    reader.dataframe(ints).update((v, ctx) => void seen.push([ctx.key, v, ctx.headers.h?.toString() ?? null]));
    await runUntil(reader, () => seen.length >= 2);
    expect(seen).toEqual([
      ['a', 258, 'x'],
      ['b', -1, null],
    ]);
  }, 60_000);
});

describe('Application without a broker', () => {
  it('fails with BrokerUnavailableError within brokerAvailabilityTimeout', async () => {
    const app = new Application({ brokerAddress: '127.0.0.1:1', brokerAvailabilityTimeout: 1500, logLevel: 'silent' });
    app.dataframe(app.topic('nowhere')).print();
    const started = Date.now();
    const error = await app.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect((error as Error).message).toMatch(/cannot reach a Kafka broker at 127\.0\.0\.1:1 after 1500 ms.*npx sluice broker/);
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(4000);
  }, 20_000);
});

// Sinks through an Application on a real broker: a sink that fails stops the app without
// committing what it did not write, and a restart writes it; a sink that pushes back pauses and
// rewinds its partitions, and every row still arrives exactly once (stateless and stateful).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import type { KafkaClientKind } from '../../src/kafka/kafka-client.ts';
import type { SinkBatch } from '../../src/sinks/base/batching-sink.ts';
import { SinkBackpressureError } from '../../src/sinks/base/sink-backpressure-error.ts';
import { SinkError } from '../../src/sinks/base/sink-error.ts';
import { MemorySink } from '../../src/sinks/memory-sink.ts';
import { createTopics, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

interface Order {
  id: number;
  customer: string;
}

/** A MemorySink that fails while `down`, and pushes back on the write calls numbered in `pushBackOn`. */
class ControlledSink<T> extends MemorySink<T> {
  down = false;
  calls = 0;
  constructor(
    name: string,
    private readonly pushBackOn: ReadonlySet<number> = new Set(),
  ) {
    super({ name, attempts: 2, retryBackoffMs: 10 });
  }
  protected override async write(batch: SinkBatch<T>): Promise<void> {
    this.calls++;
    if (this.down) throw new Error('target unreachable');
    if (this.pushBackOn.has(this.calls)) throw new SinkBackpressureError(300);
    await super.write(batch);
  }
}

let broker: TestBroker;
let stateDir: string;
beforeAll(async () => {
  broker = await useTestBroker();
  stateDir = mkdtempSync(join(tmpdir(), 'sluice-sink-state-'));
});
afterAll(async () => {
  await broker?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

let client: KafkaClientKind = 'kafkajs';
function newApp(group: string): Application {
  return new Application({ brokerAddress: broker.address, consumerGroup: group, autoOffsetReset: 'earliest', commitInterval: 200, logLevel: 'silent', stateDir, client });
}

async function produceOrders(topic: string, from: number, to: number, customers = 7): Promise<void> {
  const producer = testKafka(broker.address).producer();
  await producer.connect();
  const messages = [];
  for (let id = from; id < to; id++) messages.push({ key: `c${id % customers}`, value: JSON.stringify({ id, customer: `c${id % customers}` }) });
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

async function committedOffsets(group: string, topic: string): Promise<number[]> {
  const admin = testKafka(broker.address).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return entry.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(['kafkajs', 'native'] as const)('sinks in an Application (%s client)', (kind) => {
  beforeAll(() => {
    client = kind;
  });

  it('a sink that keeps failing stops the app with a SinkError, its rows uncommitted; a restart writes them', async () => {
    const [topic, group] = [uniqueName('sink-fail'), uniqueName('sink-fail-g')];
    await createTopics(broker.address, [topic], 1);
    await produceOrders(topic, 0, 100);

    const first = new ControlledSink<Order>('orders-sink');
    const app1 = newApp(group);
    app1.dataframe(app1.topic<Order>(topic)).sink(first);
    const running = app1.run();
    let failure: unknown;
    const stopped = running.catch((e: unknown) => (failure = e));
    await waitFor(() => first.values.length === 100, 'the first 100 rows');
    await waitFor(() => app1.stats.sinks['orders-sink']?.batches > 0, 'stats');
    // let the checkpoint commit them, then take the target down and send more
    await new Promise((r) => setTimeout(r, 600));
    first.down = true;
    await produceOrders(topic, 100, 250);
    await stopped;
    expect(failure).toBeInstanceOf(SinkError);
    expect((failure as SinkError).message).toMatch(/sink 'orders-sink' could not write \d+ rows of topic '.*' partition 0 after 2 attempts: target unreachable/);
    expect(app1.stats.sinks['orders-sink'].errors).toBeGreaterThanOrEqual(2);
    expect(await committedOffsets(group, topic)).toEqual([100]); // what was written, nothing more

    const second = new ControlledSink<Order>('orders-sink');
    const app2 = newApp(group);
    app2.dataframe(app2.topic<Order>(topic)).sink(second);
    const running2 = app2.run();
    await waitFor(() => second.values.length >= 150, 'the rest');
    await app2.stop();
    await running2;
    expect(first.values.map((o) => o.id)).toEqual([...Array(100).keys()]);
    expect(second.values.map((o) => o.id)).toEqual([...Array(150).keys()].map((i) => i + 100));
    expect(await committedOffsets(group, topic)).toEqual([250]);
  }, 120_000);

  it('backpressure pauses and rewinds partitions: every row arrives once (stateless)', async () => {
    const [topic, group] = [uniqueName('sink-bp'), uniqueName('sink-bp-g')];
    await createTopics(broker.address, [topic], 3);
    await produceOrders(topic, 0, 300);
    const sink = new ControlledSink<Order>('bp-sink', new Set([1, 2])) // each push-back forces another write;
    const app = newApp(group);
    app.dataframe(app.topic<Order>(topic, { config: { numPartitions: 3 } })).sink(sink);
    const running = app.run();
    await waitFor(() => sink.values.length >= 150, 'half the rows');
    await produceOrders(topic, 300, 600);
    await waitFor(() => sink.values.length >= 600, 'every row');
    await app.stop();
    await running;
    expect(sink.stats.backpressured).toBe(2);
    const ids = sink.values.map((o) => o.id).sort((a, b) => a - b);
    expect(ids).toEqual([...Array(600).keys()]);
    const committed = await committedOffsets(group, topic);
    expect(committed.reduce((a, b) => a + b, 0)).toBe(600);
  }, 120_000);

  it('backpressure on a stateful frame drops the state of the rows not written: counts arrive once, in order', async () => {
    const [topic, group] = [uniqueName('sink-bp-state'), uniqueName('sink-bp-state-g')];
    await createTopics(broker.address, [topic], 2);
    await produceOrders(topic, 0, 200);
    const sink = new ControlledSink<{ id: number; customer: string; n: number }>('counts', new Set([2, 3]));
    const app = newApp(group);
    app
      .dataframe(app.topic<Order>(topic, { config: { numPartitions: 2 } }))
      .apply(
        (o, state) => {
          const n = (state.get<number>('n') ?? 0) + 1;
          state.set('n', n);
          return { id: o.id, customer: o.customer, n };
        },
        { stateful: true },
      )
      .sink(sink);
    const running = app.run();
    await waitFor(() => sink.values.length >= 100, 'half the rows');
    await produceOrders(topic, 200, 400);
    await waitFor(() => sink.values.length >= 400, 'every row');
    await app.stop();
    await running;
    expect(sink.stats.backpressured).toBe(2);
    expect(sink.values.map((v) => v.id).sort((a, b) => a - b)).toEqual([...Array(400).keys()]);
    const perCustomer = new Map<string, number[]>();
    for (const v of sink.values) perCustomer.set(v.customer, [...(perCustomer.get(v.customer) ?? []), v.n]);
    for (const [customer, counts] of perCustomer) {
      const expected = [...Array(400).keys()].filter((id) => `c${id % 7}` === customer).length;
      expect(counts, customer).toEqual([...Array(expected).keys()].map((i) => i + 1));
    }
  }, 120_000);
});

// Nothing is lost when things fail: the app process is killed (SIGKILL) in the middle of a batch and
// restarted, or the broker goes away and comes back under a running app. At-least-once: every input
// appears in the output, duplicates only for what was processed but not yet committed.
// Embedded broker only: the test stops and restarts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import { startBroker, type BrokerHandle } from '../../src/broker/index.ts';
import { consumeAll, createTopics, testKafka, topicEndOffset, uniqueName } from '../support/test-broker.ts';

const APP = fileURLToPath(new URL('./fixtures/numbers-app.ts', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function embeddedBroker(port = 0, dataDir = mkdtempSync(join(tmpdir(), 'sluice-resilience-'))): Promise<{ handle: BrokerHandle; dataDir: string }> {
  const handle = await startBroker({ port, host: '127.0.0.1', dataDir, logLevel: 'silent' });
  return { handle, dataDir };
}

async function produceIds(address: string, topic: string, from: number, to: number): Promise<void> {
  const producer = testKafka(address).producer();
  await producer.connect();
  const messages = [];
  for (let id = from; id < to; id++) messages.push({ key: String(id), value: JSON.stringify({ id }) });
  for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  await producer.disconnect();
}

/** Waits until the output topic holds at least `n` records, then returns all of them as numbers. */
async function outputValues(address: string, topic: string, n: number, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let high = 0;
  while (Date.now() < deadline) {
    high = await topicEndOffset(address, topic);
    if (high >= n) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (high < n) throw new Error(`output topic "${topic}" holds ${high} of at least ${n} records after ${timeoutMs} ms`);
  return (await consumeAll(address, topic, high, 20_000)).map((r) => Number(r.value));
}

function startApp(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', APP], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  cleanups.push(() => void (child.exitCode === null && child.kill('SIGKILL')));
  return { child, output: () => out };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const range = (n: number, times = 1): number[] => Array.from({ length: n }, (_, i) => i * times);

describe('resilience', () => {
  it('an app killed with SIGKILL mid-batch loses nothing: the restarted app reprocesses from the committed offset', async () => {
    const { handle, dataDir } = await embeddedBroker();
    cleanups.push(async () => {
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const [input, output, group] = [uniqueName('kill-in'), uniqueName('kill-out'), uniqueName('kill-g')];
    const total = 3000;
    await createTopics(handle.address, [input, output]);
    await produceIds(handle.address, input, 0, total);
    const env = { DSL_BROKER: handle.address, DSL_GROUP: group, DSL_INPUT: input, DSL_OUTPUT: output, DSL_WORK_MS: '1' };

    const first = startApp(env);
    await waitFor('the first app to process 1000 messages', () => /processed 1\d{3}\b/.test(first.output()), 60_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const outputBeforeRestart = await topicEndOffset(handle.address, output);
    expect(outputBeforeRestart).toBeLessThan(total);

    const second = startApp(env);
    const values = await outputValues(handle.address, output, total, 90_000);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));

    expect(new Set(values)).toEqual(new Set(range(total, 10)));
    // Duplicates are only the records processed after the last commit before the kill.
    expect(values.length - total).toBeLessThan(1000);
    expect(second.output()).toMatch(/stopped after \d+/);
  }, 180_000);

  it('a running app rides out a broker restart and then processes what was produced meanwhile', async () => {
    const first = await embeddedBroker();
    const port = Number(first.handle.address.split(':')[1]);
    const dataDir = first.dataDir;
    let broker = first.handle;
    cleanups.push(async () => {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const [input, output] = [uniqueName('restart-in'), uniqueName('restart-out')];
    await createTopics(broker.address, [input, output]);
    const app = new Application({
      brokerAddress: broker.address,
      consumerGroup: uniqueName('restart-g'),
      autoOffsetReset: 'earliest',
      commitInterval: 200,
      logLevel: 'silent',
    });
    app
      .dataframe(app.topic<{ id: number }>(input))
      .apply((o) => o.id * 10)
      .toTopic(app.topic<number>(output));
    let failure: unknown;
    const running = app.run().catch((e) => (failure = e));
    cleanups.push(async () => {
      await app.stop();
      await running;
    });

    await produceIds(broker.address, input, 0, 100);
    await waitFor('the first 100 messages', () => app.stats.processed >= 100 || failure !== undefined, 30_000);
    await broker.close(); // down for longer than kafkajs retries on its own: sluice must keep trying
    await new Promise((r) => setTimeout(r, 4000));
    broker = await startBroker({ port, host: '127.0.0.1', dataDir, logLevel: 'silent' });
    await produceIds(broker.address, input, 100, 200);

    const values = await outputValues(broker.address, output, 200, 60_000);
    expect(failure).toBeUndefined();
    expect(new Set(values)).toEqual(new Set(range(200, 10)));
  }, 120_000);
});

// The checkpoint contract of durable state, without a broker: state becomes durable only once the
// batch's records are delivered, every store knows which inputs it already holds (so a rebuild
// followed by a replay applies each input once per store), and a row that fails leaves no state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import type { Processor } from '../../src/app/processor.ts';
import type { State } from '../../src/state/base/state.ts';
import { StateManager } from '../../src/state/state-manager.ts';
import type { RawMessage } from '../../src/topics/message-context.ts';
import { FakeChangelog } from './fake-changelog.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sluice-checkpoint-'));
  dirs.push(d);
  return d;
};

interface Event {
  n: number;
  set?: number;
}

const message = (offset: number, value: Event, key = 'k'): RawMessage => ({ key: Buffer.from(key), value: Buffer.from(JSON.stringify(value)), timestamp: 1000 + offset, offset });

/** An app instance over `stateDir`: its processor, its state manager, and `deliver` (produce + ack). */
async function instance(stateDir: string, changelog: FakeChangelog, build: (app: Application) => void, options: { onProcessingError?: () => boolean } = {}) {
  const app = new Application({ consumerGroup: 'g', logLevel: 'silent', stateDir, ...options });
  build(app);
  const state = new StateManager({ consumerGroup: 'g', stateDir });
  const processor: Processor = app.createProcessor({ state });
  await state.assign('events', 0, changelog);
  const run = (messages: RawMessage[], deliver = true) => {
    const result = processor.process({ topic: 'events', partition: 0, messages });
    if (deliver) {
      changelog.produce(result.changelog);
      processor.delivered(result);
    }
    return { outputs: result.produced.map((r) => JSON.parse(r.value!.toString()) as unknown), error: result.error };
  };
  return { run, state, close: () => state.close() };
}

describe('checkpoints of durable state', () => {
  it('commits state only once the batch is delivered: an undelivered batch that changed no state is processed again, with its outputs', async () => {
    const stateDir = tempDir();
    const changelog = new FakeChangelog();
    const build = (app: Application) =>
      app
        .dataframe(app.topic<Event>('events'))
        .apply((e: Event, state: State) => {
          if (e.set !== undefined) state.set('v', e.set);
          return state.get('v', 0);
        }, { stateful: true })
        .toTopic(app.topic<number>('out'));
    const first = await instance(stateDir, changelog, build);
    expect(first.run([message(0, { n: 0, set: 5 })]).outputs).toEqual([5]);
    expect(first.run([message(1, { n: 1 }), message(2, { n: 2 })], false).outputs).toEqual([5, 5]); // then the process dies
    expect(first.state.isProcessed('events', 0, 2, 'default')).toBe(false);
    await first.close();

    const second = await instance(stateDir, changelog, build);
    expect(changelog.reads).toBe(0); // the local store is current
    expect(second.state.isProcessed('events', 0, 0, 'default')).toBe(true);
    expect(second.run([message(1, { n: 1 }), message(2, { n: 2 })]).outputs).toEqual([5, 5]);
    await second.close();
  });

  it('after a rebuild, each store skips exactly the inputs its own changelog holds', async () => {
    const stateDir = tempDir();
    const changelog = new FakeChangelog();
    const build = (app: Application) =>
      app
        .dataframe(app.topic<Event>('events'))
        .update((_e: Event, state: State) => state.set('count', state.get('count', 0) + 1), { stateful: true, store: 'every' })
        .update((e: Event, state: State) => {
          if (e.n === 0) state.set('count', state.get('count', 0) + 1);
        }, { stateful: true, store: 'first' })
        .apply((_e, state: State) => state.get('count', 0), { stateful: true, store: 'every' })
        .toTopic(app.topic<number>('out'));
    const first = await instance(stateDir, changelog, build);
    first.run([message(0, { n: 0 })]);
    first.run([message(1, { n: 1 })]);
    await first.close();
    rmSync(stateDir, { recursive: true, force: true }); // the machine is gone; offset 1 was never committed to Kafka

    const rebuilt = await instance(stateDir, changelog, build);
    expect(changelog.reads).toBe(2);
    expect([rebuilt.state.isProcessed('events', 0, 1, 'every'), rebuilt.state.isProcessed('events', 0, 1, 'first')]).toEqual([true, false]);
    expect(rebuilt.run([message(1, { n: 1 }), message(2, { n: 2 })]).outputs).toEqual([3]);
    const view = (store: string) => rebuilt.state.view('events', 0, store);
    expect([view('every').get(['k', 'count']), view('first').get(['k', 'count'])]).toEqual([[3], [1]]);
    await rebuilt.close();
  });

  it('a row that fails leaves no state change, whether it is skipped or stops the app', async () => {
    const changelog = new FakeChangelog();
    let failOnce = true;
    const build = (app: Application) =>
      app
        .dataframe(app.topic<Event>('events'))
        .apply((_e: Event, state: State) => {
          const count = state.get('count', 0) + 1;
          state.set('count', count);
          return count;
        }, { stateful: true })
        .apply((count, ctx) => {
          if (ctx.offset === 1 && failOnce) throw new Error('downstream failed');
          return count;
        })
        .toTopic(app.topic<number>('out'));

    const skipping = await instance(tempDir(), changelog, build, { onProcessingError: () => true });
    expect(skipping.run([message(0, { n: 0 }), message(1, { n: 1 }), message(2, { n: 2 })]).outputs).toEqual([1, 2]);
    await skipping.close();

    const stopDir = tempDir();
    const stopChangelog = new FakeChangelog();
    const stopping = await instance(stopDir, stopChangelog, build);
    const stopped = stopping.run([message(0, { n: 0 }), message(1, { n: 1 })]);
    expect(stopped.outputs).toEqual([1]);
    expect(stopped.error?.message).toMatch(/downstream failed/);
    await stopping.close();
    failOnce = false;
    const retried = await instance(stopDir, stopChangelog, build);
    expect(retried.run([message(1, { n: 1 })]).outputs).toEqual([2]);
    await retried.close();
  });
});

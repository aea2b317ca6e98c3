// Source positions kept in a compacted topic: a resumable source stopped mid-way resumes, in a new
// Application, right after the last message it delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import type { Source } from '../../src/sources/base/source.ts';
import { sourcePositionTopicName } from '../../src/sources/topic-position-store.ts';
import { consumeAll, testKafka, topicEndOffset, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

/** Produces 0..total-1 from its stored position; the first run's app is stopped after `stopAt`. */
function numbers(name: string, total: number, stopAt?: { n: number; app: () => Application }): Source<number, string, number> {
  return {
    name,
    resumable: true,
    async run(ctx) {
      for (let i = ctx.position ?? 0; i < total && !ctx.signal.aborted; i++) {
        ctx.produce({ key: String(i), value: i });
        ctx.setPosition(i + 1);
        if (stopAt && i + 1 === stopAt.n) void stopAt.app().stop();
        if (i % 50 === 49) await ctx.sleep(1);
      }
    },
  };
}

describe('TopicPositionStore through an Application', () => {
  it('resumes a stopped source after the last message it delivered, with nothing lost or repeated', async () => {
    const name = uniqueName('numbers');
    const topic = uniqueName('numbers-out');
    const options = { brokerAddress: broker.address, logLevel: 'silent' as const, commitInterval: 100 };
    const first: Application = new Application(options);
    first.addSource(numbers(name, 1000, { n: 300, app: () => first }), first.topic<number>(topic));
    await first.run();
    const afterFirst = await topicEndOffset(broker.address, topic);
    expect(afterFirst).toBe(300);

    const second = new Application(options);
    second.addSource(numbers(name, 1000), second.topic<number>(topic));
    await second.run();
    const values = (await consumeAll(broker.address, topic, 1000)).map((r) => Number(r.value));
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(await topicEndOffset(broker.address, topic)).toBe(1000);

    // the position topic is compacted, one partition, keyed by the destination topic
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [sourcePositionTopicName(name)] });
    await admin.disconnect();
    expect(meta.topics[0]!.partitions).toHaveLength(1);
    const positions = await consumeAll(broker.address, sourcePositionTopicName(name), 1);
    expect(positions[0]!.key).toBe(topic);

    // a third run has nothing left to do
    const third = new Application(options);
    third.addSource(numbers(name, 1000), third.topic<number>(topic));
    await third.run();
    expect(await topicEndOffset(broker.address, topic)).toBe(1000);
  });
});

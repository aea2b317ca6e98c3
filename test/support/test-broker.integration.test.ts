import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeAll, consumeLatestByKey, createTopics, testKafka, uniqueName, useTestBroker, type TestBroker } from './test-broker.ts';

describe('test broker helpers', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('uses SLUICE_TEST_BROKER when set, else an embedded broker', () => {
    expect(broker.kind).toBe(process.env.SLUICE_TEST_BROKER ? 'external' : 'embedded');
    expect(broker.address).toMatch(/^[^:]+:\d+$/);
  });

  it('reads back what was produced, and the latest value per key', async () => {
    const topic = uniqueName('helpers');
    await createTopics(broker.address, [topic], 2);
    const producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'a', value: '3' },
      ],
    });
    await producer.disconnect();

    const records = await consumeAll(broker.address, topic, 3, 20_000);
    expect(records.map((r) => `${r.key}=${r.value}`).sort()).toEqual(['a=1', 'a=3', 'b=2']);

    const latest = await consumeLatestByKey(broker.address, topic, (m) => m.get('a') === '3' && m.get('b') === '2', 20_000);
    expect(Object.fromEntries(latest)).toEqual({ a: '3', b: '2' });
  });

  it('names topics uniquely', () => {
    expect(uniqueName('t')).not.toBe(uniqueName('t'));
  });
});

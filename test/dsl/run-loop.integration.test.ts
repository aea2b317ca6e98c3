// The kafkajs run loop against a broker: a batch that waits for a slow state restore keeps the
// member in its group (it heartbeats while waiting), so the restore does not cost a rebalance.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaRunLoop } from '../../src/app/kafka-run-loop.ts';
import { emptyStats } from '../../src/app/processing-stats.ts';
import { Processor } from '../../src/app/processor.ts';
import { StreamingDataFrame } from '../../src/dataframe/streaming-data-frame.ts';
import { SluiceProducer } from '../../src/kafka/sluice-producer.ts';
import { Topic } from '../../src/topics/topic.ts';
import { consumeAll, createTopics, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());

describe('KafkaRunLoop', () => {
  it('heartbeats while a batch waits for a state restore longer than the session timeout', async () => {
    const [input, output, group] = [uniqueName('loop-in'), uniqueName('loop-out'), uniqueName('loop-g')];
    await createTopics(broker.address, [input, output]);
    const producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({ topic: input, messages: [1, 2, 3].map((n) => ({ value: String(n) })) });
    await producer.disconnect();

    const sdf = StreamingDataFrame.fromTopic(new Topic<number>(input));
    sdf.apply((n) => n * 10).toTopic(new Topic<number>(output));
    const processor = new Processor({ dataframes: [sdf] });
    const slowRestoreMs = 9_000;
    processor.addHooks({ onAssign: () => new Promise((r) => setTimeout(r, slowRestoreMs)) });
    const kafka = testKafka(broker.address);
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 });
    let joins = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => joins++);
    await consumer.connect();
    const logger = pino({ level: 'silent' });
    const sluiceProducer = new SluiceProducer(kafka, { logger });
    const loop = new KafkaRunLoop({ consumer, producer: sluiceProducer, processor, logger, stats: emptyStats(), commitInterval: 200, fromBeginning: true });
    const running = loop.run();
    const started = Date.now();
    const records = await consumeAll(broker.address, output, 3, 40_000);
    const waited = Date.now() - started;
    await loop.stop();
    await running;
    await sluiceProducer.close();

    expect(records.map((r) => Number(r.value))).toEqual([10, 20, 30]);
    expect(waited).toBeGreaterThanOrEqual(slowRestoreMs - 500);
    expect(joins).toBe(1); // never expired and rejoined
  }, 60_000);
});

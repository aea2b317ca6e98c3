// The run loop against a broker: a batch that waits for a slow state restore keeps the
// member in its group (it heartbeats while waiting), so the restore does not cost a rebalance.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtLeastOnceCheckpoint } from '../../src/app/at-least-once-checkpoint.ts';
import { KafkaRunLoop } from '../../src/app/kafka-run-loop.ts';
import { emptyStats } from '../../src/app/processing-stats.ts';
import { Processor } from '../../src/app/processor.ts';
import { StreamingDataFrame } from '../../src/dataframe/streaming-data-frame.ts';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import type { GroupConsumer } from '../../src/kafka/group-consumer.ts';
import { Topic } from '../../src/topics/topic.ts';
import { consumeAll, createTopics, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

/** `consumer`, calling `onJoin` at every assignment it hands to the run loop. */
function countingJoins(consumer: GroupConsumer, onJoin: () => void): GroupConsumer {
  return {
    run: (handler) => consumer.run({ ...handler, onAssignment: (partitions) => (onJoin(), handler.onAssignment(partitions)) }),
    pause: (partitions) => consumer.pause(partitions),
    resume: (partitions) => consumer.resume(partitions),
    seek: (partition, offset) => consumer.seek(partition, offset),
    commit: (offsets) => consumer.commit(offsets),
    groupMetadata: () => consumer.groupMetadata(),
    stop: () => consumer.stop(),
  };
}

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());

describe('KafkaRunLoop', () => {
  it('heartbeats while a batch waits for a state restore longer than the session timeout', async () => {
    const [input, output, group] = [uniqueName('loop-in'), uniqueName('loop-out'), uniqueName('loop-g')];
    await createTopics(broker.address, [input, output]);
    const seed = testKafka(broker.address).producer();
    await seed.connect();
    await seed.send({ topic: input, messages: [1, 2, 3].map((n) => ({ value: String(n) })) });
    await seed.disconnect();

    const sdf = StreamingDataFrame.fromTopic(new Topic<number>(input));
    sdf.apply((n) => n * 10).toTopic(new Topic<number>(output));
    const processor = new Processor({ dataframes: [sdf] });
    const slowRestoreMs = 9_000;
    const logger = pino({ level: 'silent' });
    processor.addHooks({ onAssign: () => new Promise((r) => setTimeout(r, slowRestoreMs)) });
    const client = createKafkaClient({ brokerAddress: broker.address, clientId: 'run-loop-test', logger });
    const consumer = client.consumer({ groupId: group, topics: [input], fromBeginning: true, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 1_000, maxWaitMs: 200 });
    let joins = 0;
    const producer = client.producer();
    const checkpoint = new AtLeastOnceCheckpoint({ producer, consumer, processor, logger, stats: emptyStats() });
    const loop = new KafkaRunLoop({ consumer: countingJoins(consumer, () => joins++), checkpoint, processor, logger, commitInterval: 200 });
    const running = loop.run();
    const started = Date.now();
    const records = await consumeAll(broker.address, output, 3, 40_000);
    const waited = Date.now() - started;
    await loop.stop();
    await running;
    await producer.close();
    await client.close();

    expect(records.map((r) => Number(r.value))).toEqual([10, 20, 30]);
    expect(waited).toBeGreaterThanOrEqual(slowRestoreMs - 500);
    expect(joins).toBe(1); // never expired and rejoined
  }, 60_000);
});

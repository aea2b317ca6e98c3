// The topics an app needs, against a real broker: internal topics follow their source topic's
// partition count on the broker, and a layout that would lose or split state stops the app at start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Application } from '../../src/app/application.ts';
import { createKafkaClient } from '../../src/kafka/create-kafka-client.ts';
import type { KafkaAdmin } from '../../src/kafka/kafka-admin.ts';
import { prepareTopics } from '../../src/kafka/prepare-topics.ts';
import { TopicLayoutError } from '../../src/kafka/topic-layout-error.ts';
import { Topic } from '../../src/topics/topic.ts';
import { createTopics, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker.close());

const logger = pino({ level: 'silent' });

async function withAdmin<T>(fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const client = createKafkaClient({ brokerAddress: broker.address, clientId: 'prepare-topics-test', logger });
  try {
    return await fn(client.admin);
  } finally {
    await client.close();
  }
}

async function partitionsOf(topic: string): Promise<number> {
  return withAdmin(async (admin) => (await admin.describeTopics([topic]))[0]!.partitions.length);
}

describe('prepareTopics', () => {
  it('creates internal topics with as many partitions as their source has on the broker, following chains', async () => {
    const [input, output, repartition, changelog] = [uniqueName('pt-in'), uniqueName('pt-out'), uniqueName('pt-repartition'), uniqueName('pt-changelog')];
    await createTopics(broker.address, [input], 3);
    const topics = [
      new Topic(input), // declared with the default 1 partition; the broker has 3
      new Topic(output, { config: { numPartitions: 2 } }),
      new Topic(changelog, { internal: true, sourceTopic: repartition, config: { extra: { 'cleanup.policy': 'compact' } } }),
      new Topic(repartition, { internal: true, sourceTopic: input }),
    ];
    const layout = await withAdmin((admin) => prepareTopics(admin, topics, { logger }));
    expect([...layout.created].sort()).toEqual([output, repartition, changelog].sort());
    expect(Object.fromEntries(layout.partitions)).toEqual({ [input]: 3, [output]: 2, [repartition]: 3, [changelog]: 3 });
    expect(await partitionsOf(changelog)).toBe(3);
    expect(await partitionsOf(repartition)).toBe(3);
    const again = await withAdmin((admin) => prepareTopics(admin, topics, { logger }));
    expect(again.created).toEqual([]);
  });

  it('refuses an internal topic that exists with fewer partitions than its source, naming both and the fix', async () => {
    const [input, changelog] = [uniqueName('pt-in'), uniqueName('pt-changelog')];
    await createTopics(broker.address, [input], 2);
    await createTopics(broker.address, [changelog], 1);
    const topics = [new Topic(input), new Topic(changelog, { internal: true, sourceTopic: input })];
    const failure = await withAdmin((admin) => prepareTopics(admin, topics, { logger })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TopicLayoutError);
    expect((failure as TopicLayoutError).topic).toBe(changelog);
    expect((failure as Error).message).toBe(
      `internal topic '${changelog}' has 1 partition(s) but its source topic '${input}' has 2; records of partitions 1..1 would have nowhere to go. ` +
        `Delete it (npx sluice topics delete ${changelog}) so that sluice recreates it with 2, or run under a new consumer group.`,
    );
  });

  it('warns when an existing changelog is not compacted, naming the topic and the fix', async () => {
    const [input, changelog] = [uniqueName('pt-in'), uniqueName('pt-changelog')];
    await createTopics(broker.address, [input, changelog]);
    const warnings: string[] = [];
    const recording = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
    const topics = [new Topic(input), new Topic(changelog, { internal: true, sourceTopic: input, config: { extra: { 'cleanup.policy': 'compact' } } })];
    await withAdmin((admin) => prepareTopics(admin, topics, { logger: recording }));
    expect(warnings).toEqual([
      `internal topic '${changelog}' has cleanup.policy=delete, not compact: old state may be deleted by retention. ` +
        `Fix it with: kafka-configs --bootstrap-server <broker> --alter --entity-type topics --entity-name ${changelog} --add-config cleanup.policy=compact`,
    ]);
  });

  it('creates nothing without create, and leaves internal topics of missing sources alone', async () => {
    const [missing, changelog] = [uniqueName('pt-missing'), uniqueName('pt-changelog')];
    const topics = [new Topic(missing), new Topic(changelog, { internal: true, sourceTopic: missing })];
    const layout = await withAdmin((admin) => prepareTopics(admin, topics, { logger, create: false }));
    expect(layout.created).toEqual([]);
    expect(layout.partitions.size).toBe(0);
    expect(await withAdmin((admin) => admin.listTopics())).not.toContain(changelog);
  });
});

describe('Application start with a topic layout that does not fit', () => {
  it('a stateful app on a topic with more partitions than declared gets a changelog partition per input partition', async () => {
    const [input, output, group] = [uniqueName('pt-in'), uniqueName('pt-out'), uniqueName('pt-g')];
    await createTopics(broker.address, [input], 2);
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-pt-state-'));
    const app = new Application({ brokerAddress: broker.address, consumerGroup: group, logLevel: 'silent', stateDir });
    app
      .dataframe(app.topic<{ n: number }>(input))
      .apply((v, state) => state.get('n', 0) + v.n, { stateful: true })
      .toTopic(app.topic<number>(output));
    const running = app.run();
    const changelog = `changelog__${group}--${input}--default`;
    for (let i = 0; i < 100 && !(await withAdmin((a) => a.listTopics())).includes(changelog); i++) await new Promise((r) => setTimeout(r, 100));
    await app.stop();
    await running;
    rmSync(stateDir, { recursive: true, force: true });
    expect(await partitionsOf(changelog)).toBe(2);
  });

  it('refuses to start a groupBy that re-keys in place when the topic has more partitions than declared', async () => {
    const [input, output] = [uniqueName('pt-in'), uniqueName('pt-out')];
    await createTopics(broker.address, [input], 3);
    const app = new Application({ brokerAddress: broker.address, consumerGroup: uniqueName('pt-g'), logLevel: 'silent' });
    app
      .dataframe(app.topic<{ product: string }>(input))
      .groupBy('product')
      .apply((v) => v.product)
      .toTopic(app.topic<string>(output));
    const failure = await app.run().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TopicLayoutError);
    expect((failure as Error).message).toBe(
      `topic '${input}' has 3 partitions on the broker, but groupBy("product") re-keys it in place (it was declared with 1 partition): ` +
        `the state of one key would be split across partitions. Declare the topic with its partition count: app.topic('${input}', { config: { numPartitions: 3 } }).`,
    );
  });
});

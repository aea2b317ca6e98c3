// `sluice consume` against a real broker (embedded, or Apache Kafka with SLUICE_TEST_BROKER): what it
// prints, and what it commits for a group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runCli, startCli } from './cli-support.ts';
import { createTopics, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await useTestBroker();
});
afterAll(() => broker?.close());

async function produce(topic: string, values: string[], partitions = 1): Promise<void> {
  await createTopics(broker.address, [topic], partitions);
  const producer = testKafka(broker.address).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value, partition: i % partitions })) });
  } finally {
    await producer.disconnect();
  }
}

async function committed(group: string, topic: string): Promise<Map<number, string>> {
  const admin = testKafka(broker.address).admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map(offsets.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

describe('sluice consume --group', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('commits only the records it printed with --max, so the next run of the group continues after them', async () => {
    const [topic, group] = [uniqueName('consume-max'), uniqueName('consume-max-g')];
    await produce(topic, ['v0', 'v1', 'v2', 'v3', 'v4']);

    const first = await runCli(['consume', topic, '--group', group, '--from-beginning', '--max', '2', '--broker', broker.address]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('v0\nv1\n');
    expect(await committed(group, topic)).toEqual(new Map([[0, '2']]));

    const second = await runCli(['consume', topic, '--group', group, '--max', '2', '--broker', broker.address]);
    expect(second.stdout).toBe('v2\nv3\n');
    expect(await committed(group, topic)).toEqual(new Map([[0, '4']]));
  });

  it('on Ctrl-C commits what it printed so far, on every partition', async () => {
    const [topic, group] = [uniqueName('consume-sigint'), uniqueName('consume-sigint-g')];
    await produce(topic, Array.from({ length: 9 }, (_, i) => `v${i}`), 3);

    const running = startCli(['consume', topic, '--group', group, '--from-beginning', '--broker', broker.address]);
    await running.waitForStdout((out) => out.split('\n').length > 9);
    running.child.kill('SIGINT');
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8']);
    expect(await committed(group, topic)).toEqual(new Map([[0, '3'], [1, '3'], [2, '3']]));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runCli } from './cli-support.ts';
import { consumeAll, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

describe('sluice topics / produce / consume / run against a broker', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('creates, lists, describes and deletes a topic', async () => {
    const topic = uniqueName('cli-topic');
    const created = await runCli(['topics', 'create', topic, '--partitions', '3', '--broker', broker.address]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe(`Created topic ${topic}.\n`);

    const again = await runCli(['topics', 'create', topic, '--broker', broker.address]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Topic '${topic}' already exists`);

    const listed = await runCli(['topics', 'list', '--broker', broker.address]);
    expect(listed.stdout.split('\n')).toContain(topic);

    const described = await runCli(['topics', 'describe', topic, '--broker', broker.address]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(new RegExp(`^Topic: ${topic}\t(TopicId: \\S+\t)?PartitionCount: 3\t`));
    expect(described.stdout.match(/Partition: \d/g)).toHaveLength(3);

    const deleted = await runCli(['topics', 'delete', topic, '--broker', broker.address]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Deleted topic ${topic}`);
  });

  it("lists sluice's changelog and repartition topics with what they are for", async () => {
    const group = uniqueName('cli-g');
    const changelog = `changelog__${group}--orders--default`;
    const repartition = `repartition__${group}--orders--product_id`;
    for (const t of [changelog, repartition]) expect((await runCli(['topics', 'create', t, '--broker', broker.address])).code).toBe(0);
    const lines = (await runCli(['topics', 'list', '--broker', broker.address])).stdout.split('\n');
    expect(lines).toContain(`${changelog}\tsluice changelog of store "default" (group "${group}", topic "orders")`);
    expect(lines).toContain(`${repartition}\tsluice repartition by "product_id" (group "${group}", topic "orders")`);
    await runCli(['topics', 'delete', changelog, repartition, '--broker', broker.address]);
  });

  it('produces stdin lines with keys and consumes them back', async () => {
    const topic = uniqueName('cli-lines');
    await runCli(['topics', 'create', topic, '--broker', broker.address]);
    const produced = await runCli(['produce', topic, '--key-separator', ':', '--broker', broker.address], { input: 'a:1\nb:two:2\n\nc:3\n' });
    expect(produced.code).toBe(0);
    expect(produced.stderr).toContain(`Produced 3 record(s) to ${topic}`);

    const records = await consumeAll(broker.address, topic, 3, 20_000);
    expect(records.map((r) => [r.key, r.value])).toEqual([
      ['a', '1'],
      ['b', 'two:2'],
      ['c', '3'],
    ]);

    const consumed = await runCli(['consume', topic, '--from-beginning', '--key', '--max', '3', '--broker', broker.address]);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(['a\t1', 'b\ttwo:2', 'c\t3']);

    const idle = await runCli(['consume', topic, '--idle-timeout', '2', '--broker', broker.address]);
    expect(idle.code).toBe(0);
    expect(idle.stdout).toBe('');
  });

  it('runs the jokes producer app with --broker and app flags after --', async () => {
    const result = await runCli(['run', 'apps/jokes-producer.ts', '--broker', broker.address, '--', '--count', '5']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/produced 5 jokes to "jokes" \(\d+ partition\(s\)\)/);
  });
});

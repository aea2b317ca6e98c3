// Apache Kafka 3.9's own Java tools (the Java client inside them) against the test broker:
// TopicCommand create/describe, ConsoleProducer with keys, ConsoleConsumer in a group.
// Four JVM launches in all, each a second or two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, run } from './compat-clients.ts';
import { expectPartitionedLike, type KeyedRecord } from './compat-assertions.ts';

const JVM_TIMEOUT_MS = 90_000;

describe('Apache Kafka Java tools compatibility', () => {
  let broker: TestBroker;
  let kafkaSh: string;
  const topic = uniqueName('java-tools');
  const group = uniqueName('java-group');
  const produced = Array.from({ length: 24 }, (_, i) => ({ key: `sensor-${i % 5}`, value: `reading-${i}` }));
  const tool = (cls: string, args: string[], input?: string) =>
    run(kafkaSh, ['tool', cls, '--bootstrap-server', broker.address, ...args], { input, timeoutMs: JVM_TIMEOUT_MS });

  beforeAll(async () => {
    kafkaSh = clients.kafkaSh();
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('TopicCommand --create makes a 3-partition topic', async () => {
    const out = await tool('org.apache.kafka.tools.TopicCommand', ['--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1']);
    expect(out.stdout).toContain(`Created topic ${topic}.`);
  });

  let described = '';

  it('TopicCommand --describe shows PartitionCount: 3 and one line per partition', async () => {
    described = (await tool('org.apache.kafka.tools.TopicCommand', ['--describe', '--topic', topic])).stdout;
    expect(described).toMatch(new RegExp(`^Topic: ${topic}\\s.*PartitionCount: 3\\s+ReplicationFactor: 1\\s`, 'm'));
    const partitionLines = described.split('\n').filter((l) => /^\s+Topic: /.test(l));
    expect(partitionLines.map((l) => Number(/Partition: (\d+)/.exec(l)?.[1]))).toEqual([0, 1, 2]);
    for (const line of partitionLines) expect(line).toMatch(/Leader: \d+\s+Replicas: \d+\s+Isr: \d+/);
  });

  it('ConsoleProducer with parse.key=true writes keyed records', async () => {
    const input = produced.map((r) => `${r.key}:${r.value}\n`).join('');
    await tool('kafka.tools.ConsoleProducer', ['--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:'], input);
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.map((o) => Number(o.high)).reduce((a, b) => a + b, 0)).toBe(produced.length);
    } finally {
      await admin.disconnect();
    }
  });

  it('ConsoleConsumer --from-beginning --group reads every record once with its key and commits', async () => {
    const out = await tool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--topic', topic, '--from-beginning', '--group', group, '--max-messages', String(produced.length), '--timeout-ms', '60000',
      '--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'key.separator=:',
    ]);
    const records: KeyedRecord[] = out.stdout.trim().split('\n').map((line) => {
      const m = /^Partition:(\d+):Offset:(\d+):([^:]*):(.*)$/.exec(line);
      expect(m, `ConsoleConsumer line "${line}"`).not.toBeNull();
      return { partition: Number(m![1]), offset: Number(m![2]), key: m![3]!, value: m![4]! };
    });
    expectPartitionedLike(records, produced, 3);
    expect(out.stderr).toContain(`Processed a total of ${produced.length} messages`);

    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const byPartition = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
      for (let p = 0; p < 3; p += 1) {
        const read = records.filter((r) => r.partition === p);
        expect(byPartition.get(p) ?? -1, `committed offset of partition ${p}`).toBe(read.length === 0 ? -1 : Math.max(...read.map((r) => r.offset)) + 1);
      }
    } finally {
      await admin.disconnect();
    }
  });
});

// `sluice topics / produce / consume` next to Apache Kafka 3.9's own tools and kcat, on the same
// broker and topics: kafka-topics --describe and `sluice topics describe` print the same lines,
// the console consumer and `sluice consume` print the same records with the same print
// properties, the console producer and `sluice produce` parse the same input into the same
// records, and kcat reads what `sluice produce` wrote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-support.ts';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, run } from './compat-clients.ts';

const JVM_TIMEOUT_MS = 90_000;
const CLI_TIMEOUT_MS = 120_000;

describe('sluice CLI next to Kafka tools and kcat', { timeout: 4 * JVM_TIMEOUT_MS }, () => {
  let broker: TestBroker;
  let kafkaSh: string;
  let kcat: string;
  const tool = (cls: string, args: string[], input?: string) =>
    run(kafkaSh, ['tool', cls, '--bootstrap-server', broker.address, ...args], { input, timeoutMs: JVM_TIMEOUT_MS });
  const sluice = async (args: string[], input?: string) => {
    const result = await runCli([...args, '--bootstrap-server', broker.address], { timeoutMs: CLI_TIMEOUT_MS, ...(input === undefined ? {} : { input }) });
    expect(result.code, `sluice ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result;
  };

  beforeAll(async () => {
    kafkaSh = clients.kafkaSh();
    kcat = clients.kcat();
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('describes a topic with the same lines as kafka-topics --describe', async () => {
    const topic = uniqueName('cli-vs-describe');
    await sluice(['topics', 'create', topic, '--partitions', '3', '--config', 'cleanup.policy=compact', '--config', 'retention.ms=3600000']);
    const kafka = await tool('org.apache.kafka.tools.TopicCommand', ['--describe', '--topic', topic]);
    const ours = await sluice(['topics', '--describe', '--topic', topic]);
    expect(ours.stdout).toBe(kafka.stdout);
    expect(ours.stdout.split('\n').filter((l) => l.startsWith('\tTopic: '))).toHaveLength(3);
  });

  const input = 'trace:1,src:a\tk1\tone\nsrc:b\tk2\ttwo\nsrc:c\tnull\tthree\n';
  const parsing = ['--property', 'parse.headers=true', '--property', 'parse.key=true', '--property', 'null.marker=null'];
  const printing = ['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key'].flatMap((p) => ['--property', `${p}=true`]);
  const kafkaTopic = uniqueName('cli-vs-console-producer');
  const sluiceTopic = uniqueName('cli-vs-sluice-produce');

  it('prints records as the console consumer does with the same print properties', async () => {
    await sluice(['topics', 'create', kafkaTopic, '--partitions', '1']);
    await tool('kafka.tools.ConsoleProducer', ['--topic', kafkaTopic, ...parsing], input);
    const kafka = await tool('org.apache.kafka.tools.consumer.ConsoleConsumer', ['--topic', kafkaTopic, '--from-beginning', '--max-messages', '3', ...printing]);
    const ours = await sluice(['consume', '--topic', kafkaTopic, '--from-beginning', '--max-messages', '3', ...printing]);
    expect(ours.stdout).toBe(kafka.stdout);
    expect(ours.stdout.split('\n').map((l) => l.replace(/^CreateTime:\d+\t/, ''))).toEqual([
      'Partition:0\tOffset:0\ttrace:1,src:a\tk1\tone',
      'Partition:0\tOffset:1\tsrc:b\tk2\ttwo',
      'Partition:0\tOffset:2\tsrc:c\tnull\tthree',
      '',
    ]);
    expect(kafka.stderr).toContain('Processed a total of 3 messages');
    expect(ours.stderr).toBe('Processed a total of 3 messages\n');

    const separator = ['--property', 'print.key=true', '--property', 'key.separator=:', '--property', 'print.value=false', '--partition', '0', '--offset', '1', '--max-messages', '2'];
    const kafkaKeys = await tool('org.apache.kafka.tools.consumer.ConsoleConsumer', ['--topic', kafkaTopic, ...separator]);
    expect((await sluice(['consume', kafkaTopic, ...separator])).stdout).toBe(kafkaKeys.stdout);
  });

  it('parses producer input as the console producer does', async () => {
    await sluice(['topics', 'create', sluiceTopic, '--partitions', '1']);
    await sluice(['produce', '--topic', sluiceTopic, ...parsing], input);
    const withoutTime = printing.slice(2);
    const fromKafka = await sluice(['consume', kafkaTopic, '--from-beginning', '--max-messages', '3', ...withoutTime]);
    const fromSluice = await sluice(['consume', sluiceTopic, '--from-beginning', '--max-messages', '3', ...withoutTime]);
    expect(fromSluice.stdout).toBe(fromKafka.stdout);
  });

  it('writes records kcat reads back, and formats them as kcat -f does', async () => {
    const format = '%t|%p|%o|%k|%s|%h|%K|%S\\n';
    const read = await run(kcat, ['-b', broker.address, '-C', '-t', sluiceTopic, '-o', 'beginning', '-e', '-q', '-f', format], { timeoutMs: 30_000 });
    expect(read.stdout).toBe(
      `${sluiceTopic}|0|0|k1|one|trace=1,src=a|2|3\n${sluiceTopic}|0|1|k2|two|src=b|2|3\n${sluiceTopic}|0|2||three|src=c|-1|5\n`,
    );
    const ours = await sluice(['consume', sluiceTopic, '--from-beginning', '--max-messages', '3', '-f', format]);
    expect(ours.stdout).toBe(read.stdout);
  });
});

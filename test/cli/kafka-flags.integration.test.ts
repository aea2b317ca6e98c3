// Kafka's console-tool habits in `sluice topics / produce / consume`, against the test broker
// (embedded, or Apache Kafka with SLUICE_TEST_BROKER): kafka-topics' --describe lines, --config,
// --if-not-exists, --alter, --list/--exclude-internal; the console producer's parse.key /
// parse.headers properties, --partition, --file; the console consumer's print properties,
// --partition/--offset, --isolation-level, kcat formats and "Processed a total of N messages".
// test/compat/cli-kafka-tools.compat.test.ts compares the same commands with Kafka's own tools.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runCli, startCli } from './cli-support.ts';
import { consumeAll, createTopics, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';

let broker: TestBroker;
let dir: string;
beforeAll(async () => {
  broker = await useTestBroker();
  dir = mkdtempSync(join(tmpdir(), 'sluice-cli-flags-'));
});
afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sluice = (args: string[], input?: string) => runCli([...args, '--bootstrap-server', broker.address], input === undefined ? {} : { input });
const partitionLine = (topic: string, p: number) => new RegExp(`^\\tTopic: ${topic}\\tPartition: ${p}\\tLeader: \\d+\\tReplicas: \\d+\\tIsr: \\d+\\tElr: (N/A)?\\tLastKnownElr: (N/A)?$`);

describe('sluice topics with kafka-topics flags', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('creates with --config and --if-not-exists, describes several topics as kafka-topics does, names a missing one, alters and lists', async () => {
    const a = uniqueName('cli-desc-a');
    const b = uniqueName('cli-desc-b');
    const missing = uniqueName('cli-missing');
    const created = await sluice(['topics', '--create', '--topic', a, '--partitions', '3', '--config', 'cleanup.policy=compact', '--config', 'retention.ms=3600000']);
    expect(created.stdout).toBe(`Created topic ${a}.\n`);
    expect((await sluice(['topics', 'create', b, '--partitions', '1', '--replication-factor', '1'])).code).toBe(0);
    const again = await sluice(['topics', 'create', a, '--if-not-exists']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');

    const described = await sluice(['topics', 'describe', a, missing, b]);
    expect(described.code).toBe(1);
    expect(described.stderr).toContain(`Topic '${missing}' does not exist`);
    const lines = described.stdout.replace(/\n$/, '').split('\n');
    expect(lines).toHaveLength(6);
    const header = new RegExp(`^Topic: ${a}\\t(TopicId: [A-Za-z0-9_-]{22}\\t)?PartitionCount: 3\\tReplicationFactor: 1\\tConfigs: (.*)$`).exec(lines[0]!);
    expect(header, lines[0]).not.toBeNull();
    const configs = header![2]!.split(',');
    expect(configs).toContain('cleanup.policy=compact');
    expect(configs).toContain('retention.ms=3600000');
    for (const p of [0, 1, 2]) expect(lines[1 + p]).toMatch(partitionLine(a, p));
    expect(lines[4]).toMatch(new RegExp(`^Topic: ${b}\\t(TopicId: \\S+\\t)?PartitionCount: 1\\tReplicationFactor: 1\\tConfigs: `));
    expect(lines[5]).toMatch(partitionLine(b, 0));

    const altered = await sluice(['topics', '--alter', '--topic', a, '--partitions', '4']);
    expect(altered.stdout).toBe(`Topic ${a}: partitions raised from 3 to 4\n`);
    const after = await sluice(['topics', '--describe', '--topic', a]);
    expect(after.stdout).toMatch(/PartitionCount: 4\t/);
    expect(after.stdout.replace(/\n$/, '').split('\n')[4]).toMatch(partitionLine(a, 3));
    expect((await sluice(['topics', 'alter', a, '--partitions', '2'])).stderr).toContain('cannot lower a partition count');

    const listed = (await sluice(['topics', '--list'])).stdout.split('\n');
    expect(listed).toEqual(expect.arrayContaining([a, b]));
    const external = (await sluice(['topics', '--list', '--exclude-internal'])).stdout.split('\n');
    expect(external).toContain(a);
    expect(external.filter((t) => t === '__consumer_offsets' || t === '__transaction_state')).toEqual([]);

    const deleted = await sluice(['topics', '--delete', '--topic', a, '--topic', b]);
    expect(deleted.stdout).toBe(`Deleted topic ${a}\nDeleted topic ${b}\n`);
  });
});

describe('sluice produce and consume with console-tool flags', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('round-trips keys, headers and a partition and prints them with the print properties', async () => {
    const topic = uniqueName('cli-roundtrip');
    await createTopics(broker.address, [topic], 3);
    const input = 'trace:1,src:a\tk1|{"n":1}\nsrc:b\tk2|{"n":2}\n\n';
    const produced = await sluice(['produce', '--topic', topic, '--partition', '2', '--property', 'parse.headers=true', '--property', 'parse.key=true', '--property', 'key.separator=|', '-H', 'via=sluice'], input);
    expect(produced.stderr).toBe(`Produced 2 record(s) to ${topic}\n`);

    const props = ['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key'].flatMap((p) => ['--property', `${p}=true`]);
    const consumed = await sluice(['consume', '--topic', topic, '--from-beginning', '--max-messages', '2', ...props]);
    expect(consumed.code).toBe(0);
    expect(consumed.stderr).toBe('Processed a total of 2 messages\n');
    const lines = consumed.stdout.trimEnd().split('\n').map((l) => l.replace(/^CreateTime:\d+\t/, 'CreateTime:T\t'));
    expect(lines).toEqual([
      'CreateTime:T\tPartition:2\tOffset:0\ttrace:1,src:a,via:sluice\tk1\t{"n":1}',
      'CreateTime:T\tPartition:2\tOffset:1\tsrc:b,via:sluice\tk2\t{"n":2}',
    ]);

    const separated = await sluice(['consume', topic, '--partition', '2', '--offset', '1', '--max', '1', '--property', 'print.key=true', '--property', 'key.separator= => ', '--property', 'print.value=false']);
    expect(separated.stdout).toBe('k2\n');
    const kcat = await sluice(['consume', topic, '--partition', '2', '--offset', 'earliest', '--max-messages', '2', '-f', '%t/%p@%o %k=%s [%h] %S\\n']);
    expect(kcat.stdout).toBe(`${topic}/2@0 k1={"n":1} [trace=1,src=a,via=sluice] 7\n${topic}/2@1 k2={"n":2} [src=b,via=sluice] 7\n`);
    const both = await sluice(['consume', topic, '--partition', '2', '--group', 'g']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('group and partition cannot be specified together');
  });

  it('stops at a line without the key separator, as Kafka does, after sending the lines before it', async () => {
    const topic = uniqueName('cli-badline');
    await createTopics(broker.address, [topic]);
    const result = await sluice(['produce', topic, '--property', 'parse.key=true', '--property', 'key.separator=:'], 'a:1\nno separator\nc:3\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No key separator found on line number 2: 'no separator'");
    expect(result.stderr).toContain('1 record(s) from the lines before it were produced');
    const records = await consumeAll(broker.address, topic, 1);
    expect(records.map((r) => [r.key, r.value])).toEqual([['a', '1']]);
    const printed = await sluice(['consume', topic, '--from-beginning', '--timeout-ms', '8000', '--key']);
    expect(printed.stdout).toBe('a\t1\n');
    expect(printed.stderr).toBe('Processed a total of 1 messages\n');
  });

  it('reads a file of JSON lines with --file and refuses a line that is not JSON with --json', async () => {
    const topic = uniqueName('cli-jsonl');
    await createTopics(broker.address, [topic]);
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, '{"id":1}\n{"id":2}\n{"id":3}\n');
    expect((await sluice(['produce', topic, '--file', good, '--json'])).stderr).toBe(`Produced 3 record(s) to ${topic}\n`);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id":4}\n{"id":\n');
    const refused = await sluice(['produce', topic, '--file', bad, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Line 2 is not JSON');
    const records = await consumeAll(broker.address, topic, 4);
    expect(records.map((r) => JSON.parse(r.value!).id)).toEqual([1, 2, 3, 4]);
    expect((await sluice(['produce', topic, '--file', join(dir, 'nope.jsonl')])).stderr).toContain('No such file');
  });

  it('hides records of an open transaction with --isolation-level read_committed and shows them by default', async () => {
    const topic = uniqueName('cli-isolation');
    await createTopics(broker.address, [topic]);
    const kafka = testKafka(broker.address);
    const transactional = kafka.producer({ transactionalId: uniqueName('cli-tx'), idempotent: true, maxInFlightRequests: 1 });
    const plain = kafka.producer();
    await Promise.all([transactional.connect(), plain.connect()]);
    try {
      const tx = await transactional.transaction();
      await tx.send({ topic, messages: [{ value: 'tx-1' }, { value: 'tx-2' }] });
      await plain.send({ topic, acks: -1, messages: [{ value: 'after' }] });

      const uncommitted = await sluice(['consume', topic, '--from-beginning', '--max-messages', '3']);
      expect(uncommitted.stdout).toBe('tx-1\ntx-2\nafter\n');

      const committedReader = startCli(['consume', topic, '--from-beginning', '--max-messages', '1', '--isolation-level', 'read_committed', '--bootstrap-server', broker.address]);
      await tx.abort();
      const result = await committedReader.result;
      expect(result.stdout).toBe('after\n');
      expect(result.stderr).toBe('Processed a total of 1 messages\n');
    } finally {
      await Promise.all([transactional.disconnect(), plain.disconnect()]);
    }
  });

  it('prints the count on Ctrl-C', async () => {
    const topic = uniqueName('cli-sigint');
    await sluice(['produce', topic], 'one\ntwo\n');
    const running = startCli(['consume', topic, '--from-beginning', '--bootstrap-server', broker.address]);
    await running.waitForStdout((out) => out === 'one\ntwo\n', 120_000);
    running.child.kill('SIGINT');
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('Processed a total of 2 messages\n');
  });
});

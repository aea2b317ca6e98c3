// scripts/kafka/kafka.sh runs Kafka's tools by their bin/ script names, as the seeds write them,
// against the test broker; and installs its jars on first use.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, ROOT, run } from './compat-clients.ts';

const JVM_TIMEOUT_MS = 90_000;

describe("kafka.sh with Kafka's script names", () => {
  let broker: TestBroker;
  let kafkaSh: string;
  const topic = uniqueName('kafka-sh');
  const sh = (...args: string[]) => run(kafkaSh, args, { timeoutMs: JVM_TIMEOUT_MS });

  beforeAll(async () => {
    kafkaSh = clients.kafkaSh();
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('kafka-topics (also as kafka-topics.sh), kafka-get-offsets, kafka-configs and kafka-consumer-groups run as written', async () => {
    const created = await sh('kafka-topics', '--bootstrap-server', broker.address, '--create', '--topic', topic, '--partitions', '2', '--replication-factor', '1');
    expect(created.stdout).toContain(`Created topic ${topic}.`);
    const described = await sh('kafka-topics.sh', '--bootstrap-server', broker.address, '--describe', '--topic', topic);
    expect(described.stdout).toMatch(new RegExp(`^Topic: ${topic}\\s.*PartitionCount: 2\\s`, 'm'));
    const offsets = await sh('kafka-get-offsets', '--bootstrap-server', broker.address, '--topic', topic);
    expect(offsets.stdout.trim().split('\n').sort()).toEqual([`${topic}:0:0`, `${topic}:1:0`]);
    const configs = await sh('kafka-configs.sh', '--bootstrap-server', broker.address, '--entity-type', 'topics', '--entity-name', topic, '--describe');
    expect(configs.stdout).toContain(`configs for topic ${topic} are:`);
    const groups = await sh('kafka-consumer-groups', '--bootstrap-server', broker.address, '--list');
    expect(groups.code).toBe(0);
  });

  it('names the commands it knows when given another', async () => {
    const wrong = await run(kafkaSh, ['kafka-toppics', '--list'], { allowFailure: true });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("unknown command 'kafka-toppics'");
    expect((await sh('tools')).stdout).toContain('kafka-consumer-groups              org.apache.kafka.tools.consumer.group.ConsumerGroupCommand');
  });

  it('installs the jars on first use, with progress on stderr and the tool output alone on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-sh-'));
    try {
      // the script and what it needs, laid out as in scripts/ (kafka/ beside lib/)
      for (const f of ['kafka/kafka.sh', 'kafka/pom.xml', 'kafka/tools-log4j.properties', 'lib/daemon.sh']) cpSync(join(ROOT, 'scripts', f), join(dir, f));
      const kafkaSh = join(dir, 'kafka', 'kafka.sh');
      const first = await run(kafkaSh, ['kafka-topics', '--version'], { timeoutMs: 300_000 });
      expect(first.stdout.trim()).toMatch(/^3\.9\.\d+$/);
      expect(first.stderr).toContain('kafka.sh: installing the Apache Kafka jars from Maven Central');
      expect(first.stderr).toMatch(/kafka\.sh: installed \d{2,} jars into /);
      const again = await run(kafkaSh, ['kafka-topics.sh', '--version'], { timeoutMs: JVM_TIMEOUT_MS });
      expect(again.stderr).not.toContain('installing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 360_000);
});

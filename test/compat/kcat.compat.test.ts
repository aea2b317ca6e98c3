// kcat (librdkafka 2.x command-line client) against the test broker: metadata listing, keyed
// produce, read from the beginning, and a balanced consumer group (-G).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, LineProcess, run } from './compat-clients.ts';
import { expectPartitionedLike, type KeyedRecord } from './compat-assertions.ts';

describe('kcat compatibility', () => {
  let broker: TestBroker;
  let kcat: string;
  const autoTopic = uniqueName('kcat-auto');
  const topic3 = uniqueName('kcat-3p');
  const lines = Array.from({ length: 12 }, (_, i) => `key-${i % 4}:value-${i}`);
  const lines3 = Array.from({ length: 30 }, (_, i) => `user-${i % 7}:event-${i}`);

  beforeAll(async () => {
    kcat = clients.kcat();
    broker = await useTestBroker();
  });
  afterAll(async () => {
    await LineProcess.killAll();
    await broker?.close();
  });

  it('produces keyed messages (-P -K:) to a topic the producer auto-creates', async () => {
    await run(kcat, ['-b', broker.address, '-P', '-t', autoTopic, '-K:'], { input: `${lines.join('\n')}\n`, timeoutMs: 30_000 });
    const meta = await run(kcat, ['-b', broker.address, '-L', '-t', autoTopic, '-J'], { timeoutMs: 20_000 });
    const listing = JSON.parse(meta.stdout) as { topics: { topic: string; partitions: { partition: number }[] }[] };
    expect(listing.topics.map((t) => t.topic)).toEqual([autoTopic]);
    expect(listing.topics[0]!.partitions.map((p) => p.partition)).toEqual([0]);
  });

  it('reads back exactly what was produced, from the beginning (-C -o beginning -e)', async () => {
    const out = await run(kcat, ['-b', broker.address, '-C', '-t', autoTopic, '-o', 'beginning', '-e', '-q', '-f', '%k:%s\n'], {
      timeoutMs: 30_000,
    });
    expect(out.stdout).toBe(`${lines.join('\n')}\n`);
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`round-trips ${codec}-compressed batches with headers (-z ${codec} -H)`, async () => {
      const topic = uniqueName(`kcat-${codec}`);
      await createTopics(broker.address, [topic], 1);
      const input = Array.from({ length: 20 }, (_, i) => `k${i % 3}:${codec}-payload-${i}-${'x'.repeat(i * 10)}`);
      await run(kcat, ['-b', broker.address, '-P', '-t', topic, '-K:', '-z', codec, '-H', 'trace=abc', '-H', `codec=${codec}`], {
        input: `${input.join('\n')}\n`,
        timeoutMs: 30_000,
      });
      const out = await run(kcat, ['-b', broker.address, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o|%k:%s|%h\n'], { timeoutMs: 30_000 });
      expect(out.stdout).toBe(input.map((line, i) => `${i}|${line}|trace=abc,codec=${codec}\n`).join(''));
    });
  }

  it('lists a 3-partition topic with -L, and a balanced consumer (-G) reads every keyed message once', async () => {
    await createTopics(broker.address, [topic3], 3);
    const meta = await run(kcat, ['-b', broker.address, '-L', '-J'], { timeoutMs: 20_000 });
    const listing = JSON.parse(meta.stdout) as { topics: { topic: string; partitions: { partition: number }[] }[] };
    const listed = listing.topics.find((t) => t.topic === topic3);
    expect(listed?.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    expect(listing.topics.map((t) => t.topic)).toContain(autoTopic);

    await run(kcat, ['-b', broker.address, '-P', '-t', topic3, '-K:'], { input: `${lines3.join('\n')}\n`, timeoutMs: 30_000 });

    const group = uniqueName('kcat-group');
    const consumer = new LineProcess('kcat -G', kcat, ['-b', broker.address, '-G', group, '-o', 'beginning', '-q', '-u', '-f', '%p:%o:%k:%s\n', topic3]);
    await consumer.waitFor((l) => l.length >= lines3.length, `${lines3.length} messages`, 45_000);
    // Graceful stop: librdkafka commits the consumed offsets and leaves the group.
    await consumer.stop('SIGTERM');
    const records: KeyedRecord[] = consumer.lines.map((line) => {
      const [partition, offset, key, value] = line.split(':');
      return { partition: Number(partition), offset: Number(offset), key: key!, value: value! };
    });
    expectPartitionedLike(records, lines3.map((l) => ({ key: l.split(':')[0]!, value: l.split(':')[1]! })), 3);

    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic3] });
      const total = committed!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      expect(total).toBe(lines3.length);
    } finally {
      await admin.disconnect();
    }
  });
});

// confluent-kafka for Python (librdkafka) against the test broker: AdminClient creates a
// 3-partition topic, a Producer sends keyed messages with delivery reports, a group Consumer
// reads them all back and commits. The work happens in test/compat/python/roundtrip.py.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafka, uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, ROOT, run } from './compat-clients.ts';
import { expectPartitionedLike, type KeyedRecord } from './compat-assertions.ts';

interface RoundtripSummary {
  librdkafka: string;
  partitions: number | null;
  produced: KeyedRecord[];
  consumed: KeyedRecord[];
  committed: Record<string, number>;
}

describe('confluent-kafka (Python, librdkafka) compatibility', () => {
  let broker: TestBroker;
  let python: string;
  const topic = uniqueName('confluent');
  const group = uniqueName('confluent-group');
  const count = 40;
  const keys = 6;
  let summary: RoundtripSummary;

  beforeAll(async () => {
    python = clients.python();
    broker = await useTestBroker();
    const script = join(ROOT, 'test', 'compat', 'python', 'roundtrip.py');
    const out = await run(
      python,
      [script, '--brokers', broker.address, '--topic', topic, '--group', group, '--count', String(count), '--keys', String(keys), '--partitions', '3', '--timeout', '60'],
      { timeoutMs: 90_000, allowFailure: true },
    );
    const lastLine = out.stdout.trim().split('\n').pop() ?? '';
    const parsed = JSON.parse(lastLine || '{}') as RoundtripSummary & { error?: string };
    if (out.code !== 0 || parsed.error) throw new Error(`roundtrip.py failed (exit ${out.code}): ${parsed.error ?? ''}\n${out.stderr.slice(-3000)}`);
    summary = parsed;
  }, 120_000);
  afterAll(async () => {
    await broker?.close();
  });

  it('creates the topic with 3 partitions through the AdminClient', () => {
    expect(summary.partitions).toBe(3);
    expect(summary.librdkafka).toMatch(/^2\./);
  });

  it('reports a delivery for every message, with offsets counting up per partition from 0', () => {
    const index = (r: KeyedRecord): number => Number(r.value.slice('value-'.length));
    expect(summary.produced.map(index).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    for (const r of summary.produced) expect(r.key).toBe(`key-${index(r) % keys}`);
    for (let p = 0; p < 3; p += 1) {
      const offsets = summary.produced.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    expect(new Set(summary.produced.map((r) => r.key))).toEqual(new Set(Array.from({ length: keys }, (_, i) => `key-${i}`)));
  });

  it('the group consumer reads exactly what was delivered, in order per partition, at the reported offsets', () => {
    const inProductionOrder = Array.from({ length: count }, (_, i) => ({ key: `key-${i % keys}`, value: `value-${i}` }));
    expectPartitionedLike(summary.consumed, inProductionOrder, 3);
    const delivered = new Map(summary.produced.map((r) => [`${r.partition}@${r.offset}`, `${r.key}=${r.value}`]));
    for (const r of summary.consumed) expect(`${r.key}=${r.value}`).toBe(delivered.get(`${r.partition}@${r.offset}`));
  });

  it('commits the end offset of every partition, as the broker reports to another client', async () => {
    const expected: Record<string, number> = {};
    for (let p = 0; p < 3; p += 1) expected[String(p)] = summary.produced.filter((r) => r.partition === p).length;
    expect(summary.committed).toEqual(expected);

    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      const [fromBroker] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const seen = Object.fromEntries(fromBroker!.partitions.map((p) => [String(p.partition), Number(p.offset)]));
      expect(seen).toEqual(expected);
    } finally {
      await admin.disconnect();
    }
  });
});

// The Apache Kafka 3.9 Java client's transactions against the test broker: a transactional
// producer commits, aborts and commits again; a zombie is fenced by a new producer with the same
// transactional.id (ProducerFencedException); read_committed and read_uncommitted consumers; a
// consume-transform-produce loop with sendOffsetsToTransaction(offsets, groupMetadata) — the Java
// client's TxnOffsetCommit v3+ (KIP-447), OffsetFetch with requireStable and fetch sessions. The
// work happens in test/compat/java/Transactions.java, run as a single-file program.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, ROOT, run } from './compat-clients.ts';

interface JavaSummary {
  readCommitted: string[];
  readUncommitted: string[];
  zombieError: string;
  transformed: string[];
  groupOffsets: Record<string, number>;
  endOffsets: Record<string, number>;
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('Apache Kafka Java client transactions', () => {
  let broker: TestBroker;
  let summary: JavaSummary;
  const committed = [...range('first', 10), ...range('second', 10), 'fresh'].sort();

  beforeAll(async () => {
    const kafkaSh = clients.javaPrograms();
    broker = await useTestBroker();
    const program = join(ROOT, 'test', 'compat', 'java', 'Transactions.java');
    const out = await run(
      kafkaSh,
      ['tool', program, '--brokers', broker.address, '--topic', uniqueName('java-txn'), '--output', uniqueName('java-txn-out'), '--group', uniqueName('java-txn-group'), '--txn-id', uniqueName('java-tx')],
      { timeoutMs: 150_000 },
    );
    summary = JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}') as JavaSummary;
  }, 180_000);
  afterAll(async () => {
    await broker?.close();
  });

  it('a read_committed consumer reads every committed record once and nothing of the aborted or fenced transactions', () => {
    expect([...summary.readCommitted].sort()).toEqual(committed);
  });

  it('a read_uncommitted consumer also reads the aborted records and the zombie’s', () => {
    expect([...summary.readUncommitted].sort()).toEqual([...committed, ...range('aborted', 5), 'zombie'].sort());
  });

  it('fences the zombie with ProducerFencedException once a new producer took its transactional.id', () => {
    expect(summary.zombieError).toBe('ProducerFencedException');
  });

  it('a consume-transform-produce loop transforms each committed record once and commits the group offsets to the end of the input', () => {
    expect([...summary.transformed].sort()).toEqual(committed.map((v) => v.toUpperCase()).sort());
    expect(summary.groupOffsets).toEqual(summary.endOffsets);
  });
});

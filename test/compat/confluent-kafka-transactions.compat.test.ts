// confluent-kafka for Python (librdkafka) transactions against the test broker: a transactional
// producer commits, aborts and commits again; a zombie producer is fenced by a new one with the
// same transactional.id; read_committed readers see only committed records; a consume-transform-
// produce loop commits its consumer offsets inside each transaction (send_offsets_to_transaction,
// with the consumer's group metadata: TxnOffsetCommit v3, KIP-447). The work happens in
// test/compat/python/transactions.py.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, useTestBroker, type TestBroker } from '../support/test-broker.ts';
import { clients, ROOT, run } from './compat-clients.ts';

interface TransactionsSummary {
  librdkafka: string;
  read_committed: string[];
  read_uncommitted: string[];
  zombie: { error: string | null; fatal: boolean; fresh_committed: boolean };
  transformed: string[];
  group_offsets: Record<string, number>;
  end_offsets: Record<string, number>;
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('confluent-kafka (librdkafka) transactions', () => {
  let broker: TestBroker;
  let summary: TransactionsSummary;
  const committed = [...range('first', 10), ...range('second', 10), 'fresh'].sort();

  beforeAll(async () => {
    const python = clients.python();
    broker = await useTestBroker();
    const script = join(ROOT, 'test', 'compat', 'python', 'transactions.py');
    const out = await run(
      python,
      [script, '--brokers', broker.address, '--topic', uniqueName('rdk-txn'), '--output', uniqueName('rdk-txn-out'), '--group', uniqueName('rdk-txn-group'), '--txn-id', uniqueName('rdk-tx'), '--timeout', '100'],
      { timeoutMs: 120_000, allowFailure: true },
    );
    const parsed = JSON.parse(out.stdout.trim().split('\n').pop() || '{}') as TransactionsSummary & { error?: string };
    if (out.code !== 0 || parsed.error) throw new Error(`transactions.py failed (exit ${out.code}): ${parsed.error ?? ''}\n${out.stderr.slice(-3000)}`);
    summary = parsed;
  }, 150_000);
  afterAll(async () => {
    await broker?.close();
  });

  it('a read_committed consumer reads every committed record once and nothing of the aborted or fenced transactions', () => {
    expect([...summary.read_committed].sort()).toEqual(committed);
  });

  it('a read_uncommitted consumer also reads the aborted records and the zombie’s', () => {
    expect([...summary.read_uncommitted].sort()).toEqual([...committed, ...range('aborted', 5), 'zombie'].sort());
  });

  it('fences the zombie: its commit fails with a fatal _FENCED error once a new producer took its transactional.id', () => {
    expect(summary.zombie).toEqual({ error: '_FENCED', fatal: true, fresh_committed: true });
  });

  it('a consume-transform-produce loop transforms each committed record once and commits the group offsets to the end of the input', () => {
    expect([...summary.transformed].sort()).toEqual(committed.map((v) => v.toUpperCase()).sort());
    expect(summary.group_offsets).toEqual(summary.end_offsets);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTransactionStore } from '../../src/broker/storage/file-transaction-store.ts';
import type { TransactionRecord } from '../../src/broker/transactions/transaction-store.ts';
import { ConfigError } from '../../src/errors.ts';
import { captureLogger, tempDir } from './helpers.ts';

const record = (overrides: Partial<TransactionRecord> = {}): TransactionRecord => ({
  transactionalId: 'tx', producerId: 7, lastProducerId: -1, producerEpoch: 2, lastProducerEpoch: 1, timeoutMs: 60_000,
  state: 'Ongoing', partitions: [{ topic: 'out', partition: 1 }], groups: ['g'], startMs: 1000, updateMs: 1000, ...overrides,
});
const offset = (o: number) => ({ group: 'g', topic: 'in', partition: 0, offset: o, leaderEpoch: -1, metadata: 'm' });

describe('FileTransactionStore', () => {
  it('loads after a reopen without close (a killed broker) what was written: records, pending offsets, the producer id block', () => {
    const dataDir = tempDir();
    const first = new FileTransactionStore({ dataDir, logger: captureLogger().logger });
    first.reserveProducerIds(1000);
    first.save(record({ state: 'Empty', partitions: [], groups: [] }));
    first.save(record());
    first.addPendingOffsets('tx', [offset(5)]);
    first.addPendingOffsets('tx', [offset(9)]);
    first.save(record({ transactionalId: 'other', producerId: 8, state: 'PrepareCommit' }));
    first.addPendingOffsets('other', [offset(3)]);
    const loaded = new FileTransactionStore({ dataDir, logger: captureLogger().logger }).load();
    expect(loaded.producerIdBlockEnd).toBe(1000);
    expect(loaded.transactions).toEqual([record(), record({ transactionalId: 'other', producerId: 8, state: 'PrepareCommit' })]);
    expect([...loaded.pendingOffsets]).toEqual([['tx', [offset(9)]], ['other', [offset(3)]]]);
    first.close();
  });

  it('drops pending offsets once the transaction ended, and forgets removed ids', () => {
    const dataDir = tempDir();
    const store = new FileTransactionStore({ dataDir });
    store.save(record());
    store.addPendingOffsets('tx', [offset(5)]);
    store.save(record({ state: 'PrepareAbort' }));
    store.save(record({ state: 'CompleteAbort', partitions: [], groups: [] }));
    store.save(record({ transactionalId: 'gone', state: 'Empty' }));
    store.remove('gone');
    store.close();
    const loaded = new FileTransactionStore({ dataDir }).load();
    expect(loaded.transactions.map((t) => [t.transactionalId, t.state])).toEqual([['tx', 'CompleteAbort']]);
    expect(loaded.pendingOffsets.size).toBe(0);
  });

  it('compacts on open to one line per record and pending offset, and ignores a torn last line', () => {
    const dataDir = tempDir();
    const store = new FileTransactionStore({ dataDir });
    store.reserveProducerIds(1000);
    for (let i = 0; i < 50; i++) store.save(record({ updateMs: i }));
    store.addPendingOffsets('tx', [offset(1)]);
    store.close();
    const file = path.join(dataDir, 'transactions.log');
    fs.appendFileSync(file, '{"t":{"transactionalId":"torn"');
    const capture = captureLogger();
    const reopened = new FileTransactionStore({ dataDir, logger: capture.logger });
    expect(capture.warnings).toEqual(['dropping a torn last transaction record']);
    expect(reopened.load().transactions).toEqual([record({ updateMs: 49 })]);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    reopened.close();
  });

  it('refuses bad options with a ConfigError naming the option', () => {
    expect(() => new FileTransactionStore({ dataDir: '' })).toThrow(ConfigError);
    expect(() => new FileTransactionStore({ dataDir: '' })).toThrow(/FileTransactionStore option "dataDir"/);
  });
});

import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { assertTxnTransition, canTxnTransition, IllegalTransactionTransitionError } from '../../src/broker/transactions/transaction-state.ts';
import { PRODUCER_ID_BLOCK_SIZE } from '../../src/broker/transactions/producer-id-allocator.ts';
import { decodeRecordBatches } from '../../src/protocol/record-batch.ts';
import { txnHarness } from './txn-harness.ts';

const out0 = { topic: 'out', partition: 0 };
const out1 = { topic: 'out', partition: 1 };

describe('transaction state machine', () => {
  it('allows only Kafka’s transitions', () => {
    expect(canTxnTransition('Ongoing', 'PrepareCommit')).toBe(true);
    expect(canTxnTransition('CompleteAbort', 'Ongoing')).toBe(true);
    expect(canTxnTransition('Empty', 'PrepareCommit')).toBe(false);
    expect(canTxnTransition('PrepareCommit', 'CompleteAbort')).toBe(false);
    expect(() => assertTxnTransition('tx', 'Ongoing', 'CompleteCommit')).toThrow(IllegalTransactionTransitionError);
  });
});

describe('TransactionCoordinator: producer ids and epochs', () => {
  it('gives idempotent producers fresh ids and a transactional id the same id with a bumped epoch', () => {
    const h = txnHarness();
    const a = h.coordinator.initProducerId({ transactionalId: null, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 });
    const b = h.coordinator.initProducerId({ transactionalId: null, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 });
    expect([a.producerEpoch, b.producerEpoch]).toEqual([0, 0]);
    expect(b.producerId).toBe(a.producerId + 1);
    const first = h.init('tx');
    const second = h.init('tx');
    expect(second).toEqual({ ...first, producerEpoch: first.producerEpoch + 1 });
    expect(first.producerEpoch).toBe(0);
  });

  it('refuses a timeout above the maximum or below 1 ms', () => {
    const h = txnHarness({ maxTimeoutMs: 5000 });
    const ask = (ms: number) => h.coordinator.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: ms, producerId: -1, producerEpoch: -1 }).errorCode;
    expect(ask(5001)).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(ask(0)).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(ask(5000)).toBe(ErrorCode.NONE);
  });

  it('bumps the epoch for a KIP-360 producer that names its id and epoch; a retry gets the same epoch; a stale one is fenced', () => {
    const h = txnHarness();
    const p = h.init('tx');
    const bump = (epoch: number) => h.coordinator.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 1000, producerId: p.producerId, producerEpoch: epoch });
    expect(bump(0)).toEqual({ errorCode: 0, producerId: p.producerId, producerEpoch: 1 });
    expect(bump(0)).toEqual({ errorCode: 0, producerId: p.producerId, producerEpoch: 1 });
    expect(bump(1)).toEqual({ errorCode: 0, producerId: p.producerId, producerEpoch: 2 });
    expect(bump(0).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(h.coordinator.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 1000, producerId: p.producerId + 99, producerEpoch: 2 }).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('rotates to a new producer id when the epoch is exhausted', () => {
    const h = txnHarness();
    const p = h.init('tx');
    h.store.save({ ...h.store.records.get('tx')!, producerEpoch: 32766 });
    h.restart();
    const rotated = h.init('tx');
    expect(rotated.producerId).not.toBe(p.producerId);
    expect(rotated.producerEpoch).toBe(0);
    expect(h.coordinator.verifyProduce(p.producerId, 32766, 'out', 0)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('never reuses a producer id after a restart', () => {
    const h = txnHarness();
    const before = h.coordinator.initProducerId({ transactionalId: null, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 }).producerId;
    h.restart();
    const after = h.coordinator.initProducerId({ transactionalId: null, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1 }).producerId;
    expect(after).toBe(before + PRODUCER_ID_BLOCK_SIZE);
  });
});

describe('TransactionCoordinator: transactions', () => {
  it('commits: markers in every partition of the transaction, the last stable offset released, a retried EndTxn answered NONE', () => {
    const h = txnHarness();
    const p = h.init('tx');
    expect(h.coordinator.addPartitions({ ...p, partitions: [out0, out1] })).toBe(ErrorCode.NONE);
    h.produce(p, 0, 0, 3);
    expect(h.log(0).lastStableOffset).toBe(0);
    expect(h.coordinator.describe('tx')).toMatchObject({ state: 'Ongoing', partitions: [out0, out1] });
    expect(h.coordinator.endTxn({ ...p, commit: true })).toBe(ErrorCode.NONE);
    expect(h.coordinator.describe('tx')).toMatchObject({ state: 'CompleteCommit', partitions: [] });
    expect([h.log(0).logEndOffset, h.log(0).lastStableOffset, h.log(1).logEndOffset]).toEqual([4, 4, 1]);
    const marker = decodeRecordBatches(h.log(0).read(3, 1 << 20))[0]!;
    expect(marker.attributes & 0x30).toBe(0x30);
    expect([...marker.records[0]!.key!]).toEqual([0, 0, 0, 1]);
    expect(h.coordinator.endTxn({ ...p, commit: true })).toBe(ErrorCode.NONE);
    expect(h.coordinator.endTxn({ ...p, commit: false })).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('aborts: the partition lists the aborted transaction', () => {
    const h = txnHarness();
    const p = h.init('tx');
    h.coordinator.addPartitions({ ...p, partitions: [out0] });
    h.produce(p, 0, 0, 2);
    expect(h.coordinator.endTxn({ ...p, commit: false })).toBe(ErrorCode.NONE);
    expect(h.log(0).abortedTransactions(0, 3)).toEqual([{ producerId: p.producerId, firstOffset: 0, lastOffset: 2 }]);
  });

  it('answers requests of the wrong producer id, an old epoch or the wrong state with Kafka’s codes', () => {
    const h = txnHarness();
    const p = h.init('tx');
    expect(h.coordinator.endTxn({ ...p, commit: true })).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(h.coordinator.addPartitions({ ...p, producerId: p.producerId + 1, partitions: [out0] })).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(h.coordinator.addPartitions({ ...p, transactionalId: 'unknown', partitions: [out0] })).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(h.coordinator.addPartitions({ ...p, transactionalId: '', partitions: [out0] })).toBe(ErrorCode.INVALID_REQUEST);
    h.init('tx');
    expect(h.coordinator.addPartitions({ ...p, partitions: [out0] })).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('a new producer for the id fences the old one: its open transaction is aborted with a bumped epoch, the caller retries', () => {
    const h = txnHarness();
    const old = h.init('tx');
    h.coordinator.addPartitions({ ...old, partitions: [out0] });
    h.produce(old, 0, 0, 2);
    const first = h.coordinator.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
    expect(first.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(h.log(0).abortedTransactions(0, 10)).toEqual([{ producerId: old.producerId, firstOffset: 0, lastOffset: 2 }]);
    const fresh = h.init('tx');
    expect(fresh.producerEpoch).toBe(old.producerEpoch + 2);
    expect(() => h.produce(old, 0, 2)).toThrow(/fenced/);
    expect(h.coordinator.verifyProduce(old.producerId, old.producerEpoch, 'out', 0)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(h.coordinator.endTxn({ ...old, commit: true })).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('verifies a transactional produce: the partition must be in the producer’s open transaction', () => {
    const h = txnHarness();
    const p = h.init('tx');
    expect(h.coordinator.verifyProduce(p.producerId, p.producerEpoch, 'out', 0)).toBe(ErrorCode.INVALID_TXN_STATE);
    h.coordinator.addPartitions({ ...p, partitions: [out0] });
    expect(h.coordinator.verifyProduce(p.producerId, p.producerEpoch, 'out', 0)).toBe(ErrorCode.NONE);
    expect(h.coordinator.verifyProduce(p.producerId, p.producerEpoch, 'out', 1)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(h.coordinator.verifyProduce(p.producerId + 7, 0, 'out', 0)).toBe(ErrorCode.INVALID_TXN_STATE);
    const v = h.coordinator.verifyPartitions({ ...p, partitions: [out0, out1] });
    expect([v.errorCode, v.partitions.get('0:out'), v.partitions.get('1:out')]).toEqual([0, ErrorCode.NONE, ErrorCode.INVALID_TXN_STATE]);
  });

  it('keeps transactional offsets pending (unstable) until commit applies them; abort drops them', () => {
    const h = txnHarness();
    const p = h.init('tx');
    const offsets = [{ topic: 'in', partition: 0, offset: 42, leaderEpoch: -1, metadata: '' }];
    expect(h.coordinator.commitOffsets({ ...p, groupId: 'g', offsets })).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(h.coordinator.addOffsets({ ...p, groupId: 'g' })).toBe(ErrorCode.NONE);
    expect(h.coordinator.commitOffsets({ ...p, groupId: 'g', offsets })).toBe(ErrorCode.NONE);
    expect(h.coordinator.commitOffsets({ ...p, groupId: 'g', offsets: [{ ...offsets[0]!, offset: 43 }] })).toBe(ErrorCode.NONE);
    expect(h.coordinator.hasPendingOffset('g', 'in', 0)).toBe(true);
    expect(h.coordinator.hasPendingOffset('g', 'in', 1)).toBe(false);
    h.coordinator.endTxn({ ...p, commit: false });
    expect(h.coordinator.hasPendingOffset('g', 'in', 0)).toBe(false);
    expect(h.offsets.committed).toEqual([]);
    h.coordinator.addOffsets({ ...p, groupId: 'g' });
    h.coordinator.commitOffsets({ ...p, groupId: 'g', offsets });
    h.coordinator.endTxn({ ...p, commit: true });
    expect(h.offsets.committed).toEqual([{ group: 'g', offsets }]);
  });
});

describe('TransactionCoordinator: timeouts and restarts', () => {
  it('aborts and fences a transaction that passes its timeout', () => {
    const h = txnHarness();
    const p = h.init('tx', 5000);
    h.coordinator.addPartitions({ ...p, partitions: [out0] });
    h.produce(p, 0, 0);
    h.time.advance(4000);
    expect(h.coordinator.describe('tx')!.state).toBe('Ongoing');
    h.time.advance(2000);
    expect(h.coordinator.describe('tx')).toMatchObject({ state: 'CompleteAbort', producerEpoch: p.producerEpoch + 1 });
    expect(h.log(0).lastStableOffset).toBe(h.log(0).logEndOffset);
    expect(h.coordinator.endTxn({ ...p, commit: true })).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('after a restart, completes a commit that was prepared but not finished: markers written, offsets applied', () => {
    const h = txnHarness();
    const p = h.init('tx');
    h.coordinator.addPartitions({ ...p, partitions: [out0] });
    h.coordinator.addOffsets({ ...p, groupId: 'g' });
    h.produce(p, 0, 0, 2);
    h.coordinator.commitOffsets({ ...p, groupId: 'g', offsets: [{ topic: 'in', partition: 3, offset: 7, leaderEpoch: -1, metadata: '' }] });
    // The crash point: PrepareCommit is in the transaction log; no marker, no offsets yet.
    h.store.save({ ...h.store.records.get('tx')!, state: 'PrepareCommit' });
    expect(h.log(0).lastStableOffset).toBe(0);
    h.restart();
    expect(h.coordinator.describe('tx')!.state).toBe('CompleteCommit');
    expect(h.log(0).lastStableOffset).toBe(3);
    expect(h.log(0).abortedTransactions(0, 3)).toEqual([]);
    expect(h.offsets.committed).toEqual([{ group: 'g', offsets: [{ topic: 'in', partition: 3, offset: 7, leaderEpoch: -1, metadata: '' }] }]);
  });

  it('after a restart, an open transaction is still open and resolvable by its producer', () => {
    const h = txnHarness();
    const p = h.init('tx');
    h.coordinator.addPartitions({ ...p, partitions: [out1] });
    h.produce(p, 1, 0, 2);
    h.restart();
    expect(h.coordinator.describe('tx')).toMatchObject({ state: 'Ongoing', partitions: [out1] });
    expect(h.coordinator.endTxn({ ...p, commit: true })).toBe(ErrorCode.NONE);
    expect(h.log(1).lastStableOffset).toBe(3);
  });

  it('at start-up aborts a transaction left open in a partition that the transaction log does not know', () => {
    const h = txnHarness();
    h.produce({ producerId: 4242, producerEpoch: 3 }, 0, 0, 2);
    expect(h.log(0).lastStableOffset).toBe(0);
    h.restart();
    expect(h.log(0).lastStableOffset).toBe(3);
    expect(h.log(0).abortedTransactions(0, 3)).toEqual([{ producerId: 4242, firstOffset: 0, lastOffset: 2 }]);
  });

  it('forgets a transactional id unused for longer than its expiration', () => {
    const h = txnHarness({ idExpirationMs: 10_000 });
    h.init('tx');
    h.time.advance(12_000);
    expect(h.coordinator.describe('tx')).toBeUndefined();
    expect(h.store.records.has('tx')).toBe(false);
  });
});

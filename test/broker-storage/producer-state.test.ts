import { describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../src/protocol/record-batch.ts';
import { encodeControlBatch } from '../../src/protocol/control-batch.ts';
import { ProducerStateManager } from '../../src/broker/storage/producer-state.ts';
import { lastSequence } from '../../src/broker/storage/producer-entry.ts';
import { InvalidProducerEpochError, InvalidRecordError, InvalidTxnStateError, OutOfOrderSequenceError } from '../../src/broker/storage/errors.ts';

const NOW = 1_700_000_000_000;

/** A batch of `count` records from producer `pid`, epoch `epoch`, starting at sequence `seq`. */
function idem(pid: number, epoch: number, seq: number, count = 1, transactional = false): Buffer {
  return encodeRecordBatch({
    producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional,
    records: Array.from({ length: count }, (_, i) => ({ value: `v${seq + i}` })),
  });
}

/** A tiny in-memory "log": stages, "writes" (advances the end offset) and applies like the real logs. */
function harness() {
  const state = new ProducerStateManager('t-0');
  let end = 0;
  const append = (bytes: Buffer) => {
    const staged = state.stageAppend(bytes, end, NOW);
    if (staged.duplicate) return { baseOffset: staged.duplicate.firstOffset, duplicate: true };
    const base = end;
    for (let pos = 0; pos < bytes.length; pos += bytes.readInt32BE(pos + 8) + 12) end += bytes.readInt32BE(pos + 23) + 1;
    state.apply(staged);
    return { baseOffset: base, duplicate: false };
  };
  const marker = (pid: number, epoch: number, commit: boolean) => {
    const staged = state.stageMarker({ producerId: pid, producerEpoch: epoch, commit }, end, NOW);
    const at = end;
    end += 1;
    state.apply(staged);
    return at;
  };
  return { state, append, marker, end: () => end };
}

describe('ProducerStateManager: idempotent sequences', () => {
  it('accepts consecutive sequences and answers a retry of any of the last five batches with its original offset', () => {
    const h = harness();
    const offsets = [0, 2, 4, 6, 8, 10].map((seq) => h.append(idem(7, 0, seq, 2)).baseOffset);
    expect(offsets).toEqual([0, 2, 4, 6, 8, 10]);
    expect(h.append(idem(7, 0, 6, 2))).toEqual({ baseOffset: 6, duplicate: true });
    expect(h.append(idem(7, 0, 2, 2))).toEqual({ baseOffset: 2, duplicate: true });
    expect(h.end()).toBe(12);
    // The first batch (seq 0-1) is no longer remembered: it is out of order, not a duplicate.
    expect(() => h.append(idem(7, 0, 0, 2))).toThrow(OutOfOrderSequenceError);
  });

  it('refuses a gap with OutOfOrderSequenceError and writes nothing', () => {
    const h = harness();
    h.append(idem(7, 0, 0, 3));
    expect(() => h.append(idem(7, 0, 5))).toThrow(/expected sequence 3, got 5/);
    expect(h.end()).toBe(3);
    expect(h.append(idem(7, 0, 3)).baseOffset).toBe(3);
  });

  it('refuses an older epoch with InvalidProducerEpochError; a new epoch must start at sequence 0', () => {
    const h = harness();
    h.append(idem(7, 1, 0, 2));
    expect(() => h.append(idem(7, 0, 2))).toThrow(InvalidProducerEpochError);
    expect(() => h.append(idem(7, 2, 5))).toThrow(/first batch of epoch 2 must have sequence 0/);
    expect(h.append(idem(7, 2, 0)).baseOffset).toBe(2);
    expect(h.state.entry(7)).toMatchObject({ epoch: 2, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 2, lastOffset: 2 }] });
  });

  it('accepts any sequence from a producer it does not know (its state may have expired), and keeps producers apart', () => {
    const h = harness();
    expect(h.append(idem(7, 0, 42)).baseOffset).toBe(0);
    expect(h.append(idem(8, 0, 0)).baseOffset).toBe(1);
    expect(h.append(idem(7, 0, 43)).baseOffset).toBe(2);
    expect(h.append(idem(8, 0, 1)).baseOffset).toBe(3);
  });

  it('wraps sequences from 2^31 - 1 to 0', () => {
    expect(lastSequence(0x7fffffff - 1, 3)).toBe(1);
    const h = harness();
    h.append(idem(7, 0, 0x7fffffff - 1, 2));
    expect(h.append(idem(7, 0, 0)).baseOffset).toBe(2);
  });

  it('checks each batch of a multi-batch append against the ones before it', () => {
    const h = harness();
    expect(h.append(Buffer.concat([idem(7, 0, 0, 2), idem(7, 0, 2, 2)])).baseOffset).toBe(0);
    expect(() => h.append(Buffer.concat([idem(7, 0, 4), idem(7, 0, 9)]))).toThrow(OutOfOrderSequenceError);
    expect(h.state.entry(7)!.batches.at(-1)!.lastSeq).toBe(3);
  });

  it('ignores batches without a producer id, refuses control batches and id-less transactional batches from clients', () => {
    const h = harness();
    expect(h.append(encodeRecordBatch({ records: [{ value: 'a' }] })).baseOffset).toBe(0);
    expect(h.state.size).toBe(0);
    expect(() => h.append(encodeControlBatch({ producerId: 7, producerEpoch: 0, commit: true, coordinatorEpoch: 0 }))).toThrow(InvalidRecordError);
    expect(() => h.append(encodeRecordBatch({ transactional: true, records: [{ value: 'a' }] }))).toThrow(InvalidRecordError);
  });
});

describe('ProducerStateManager: transactions', () => {
  it('holds the first unstable offset at the first batch of an open transaction until its marker', () => {
    const h = harness();
    h.append(idem(1, 0, 0, 2));
    expect(h.state.firstUnstableOffset).toBe(-1);
    h.append(idem(7, 0, 0, 3, true));
    h.append(idem(8, 0, 0, 1, true));
    h.append(idem(7, 0, 3, 1, true));
    expect(h.state.firstUnstableOffset).toBe(2);
    expect(h.state.openTransactions()).toEqual([{ producerId: 7, producerEpoch: 0, firstOffset: 2 }, { producerId: 8, producerEpoch: 0, firstOffset: 5 }]);
    h.marker(7, 0, true);
    expect(h.state.firstUnstableOffset).toBe(5);
    h.marker(8, 0, false);
    expect(h.state.firstUnstableOffset).toBe(-1);
    expect(h.state.abortedTransactions(0, 100)).toEqual([{ producerId: 8, firstOffset: 5, lastOffset: 8 }]);
  });

  it('lists only the aborted transactions that overlap the fetched range', () => {
    const h = harness();
    h.append(idem(7, 0, 0, 2, true)); // 0-1
    h.marker(7, 0, false); // 2
    h.append(idem(7, 0, 2, 2, true)); // 3-4
    h.marker(7, 0, true); // 5
    h.append(idem(7, 0, 4, 2, true)); // 6-7
    h.marker(7, 0, false); // 8
    expect(h.state.abortedTransactions(0, 9)).toEqual([{ producerId: 7, firstOffset: 0, lastOffset: 2 }, { producerId: 7, firstOffset: 6, lastOffset: 8 }]);
    expect(h.state.abortedTransactions(3, 6)).toEqual([]);
    expect(h.state.abortedTransactions(3, 7)).toEqual([{ producerId: 7, firstOffset: 6, lastOffset: 8 }]);
    h.state.truncateHead(3);
    expect(h.state.abortedTransactions(0, 9)).toEqual([{ producerId: 7, firstOffset: 6, lastOffset: 8 }]);
  });

  it('continues the sequence after a marker of the same epoch, restarts it at 0 after a marker with a bumped epoch', () => {
    const h = harness();
    h.append(idem(7, 0, 0, 2, true));
    h.marker(7, 0, true);
    expect(() => h.append(idem(7, 0, 0, 1, true))).toThrow(OutOfOrderSequenceError);
    h.append(idem(7, 0, 2, 1, true));
    h.marker(7, 1, false);
    expect(() => h.append(idem(7, 0, 3, 1, true))).toThrow(InvalidProducerEpochError);
    expect(h.append(idem(7, 1, 0, 1, true)).duplicate).toBe(false);
  });

  it('refuses a marker older than the producer epoch and a non-transactional batch inside an open transaction', () => {
    const h = harness();
    h.append(idem(7, 3, 0, 1, true));
    expect(() => h.append(idem(7, 3, 1, 1, false))).toThrow(InvalidTxnStateError);
    expect(() => h.state.stageMarker({ producerId: 7, producerEpoch: 2, commit: true }, h.end(), NOW)).toThrow(InvalidProducerEpochError);
  });

  it('round-trips through a snapshot: sequences, open transactions and aborted ones', () => {
    const h = harness();
    h.append(idem(7, 0, 0, 2, true));
    h.marker(7, 0, false);
    h.append(idem(9, 2, 0, 3));
    h.append(idem(8, 0, 0, 1, true));
    const copy = new ProducerStateManager('t-0');
    copy.load(JSON.parse(JSON.stringify(h.state.toSnapshot())));
    expect(copy.toSnapshot()).toEqual(h.state.toSnapshot());
    expect(copy.firstUnstableOffset).toBe(6);
    expect(copy.abortedTransactions(0, 10)).toEqual([{ producerId: 7, firstOffset: 0, lastOffset: 2 }]);
    expect(copy.stageAppend(idem(9, 2, 0, 3), 7, NOW).duplicate).toEqual({ firstSeq: 0, lastSeq: 2, firstOffset: 3, lastOffset: 5 });
  });

  it('expires idle producers without an open transaction', () => {
    const h = harness();
    h.append(idem(7, 0, 0));
    h.append(idem(8, 0, 0, 1, true));
    expect(h.state.expire(NOW + 1000, 500)).toBe(1);
    expect(h.state.entry(7)).toBeUndefined();
    expect(h.state.entry(8)).toBeDefined();
  });
});

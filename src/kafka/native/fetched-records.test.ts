import { crc32c } from '@node-rs/crc32';
import { describe, expect, it } from 'vitest';
import { BATCH, encodeRecordBatch } from '../../protocol/record-batch.ts';
import { CorruptRecordError } from '../../protocol/protocol-error.ts';
import { decodeFetchedRecords } from './fetched-records.ts';

/** A batch at `baseOffset` of `producerId`, transactional or not, with string values. */
function batch(baseOffset: number, values: string[], options: { producerId?: number; transactional?: boolean } = {}): Buffer {
  return encodeRecordBatch({ baseOffset, producerId: options.producerId ?? -1, producerEpoch: 0, baseSequence: 0, transactional: options.transactional ?? false, records: values.map((v, i) => ({ key: `k${i}`, value: v, timestamp: 1000 + i })) });
}

/** A control batch (commit or abort marker) of `producerId` at `offset`. */
function marker(offset: number, producerId: number, type: 'commit' | 'abort'): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type === 'abort' ? 0 : 1, 2);
  const b = encodeRecordBatch({ baseOffset: offset, producerId, producerEpoch: 0, transactional: true, records: [{ key, value: Buffer.from([0, 0, 0, 0, 0, 0]), timestamp: 2000 }] });
  b.writeInt16BE(b.readInt16BE(BATCH.attributes) | 0x20, BATCH.attributes);
  b.writeUInt32BE(crc32c(b.subarray(BATCH.attributes)) >>> 0, BATCH.crc);
  return b;
}

describe('decodeFetchedRecords', () => {
  it('returns keys, values, offsets and timestamps as slices, from the fetch offset on', () => {
    const bytes = Buffer.concat([batch(0, ['a', 'b', 'c']), batch(3, ['d'])]);
    const { messages, nextOffset } = decodeFetchedRecords(bytes, 1, { abortedTransactions: null });
    expect(messages.map((m) => [m.offset, m.key?.toString(), m.value?.toString(), m.timestamp])).toEqual([
      [1, 'k1', 'b', 1001],
      [2, 'k2', 'c', 1002],
      [3, 'k0', 'd', 1000],
    ]);
    expect(nextOffset).toBe(4);
    expect(messages[0]!.value!.buffer).toBe(bytes.buffer); // a view, not a copy
  });

  it('read_committed: skips the batches of an aborted transaction and every control batch, keeps committed ones', () => {
    const bytes = Buffer.concat([
      batch(0, ['plain']),
      batch(1, ['t7-a', 't7-b'], { producerId: 7, transactional: true }), // aborted below
      batch(3, ['t8-a'], { producerId: 8, transactional: true }), // committed below
      marker(4, 7, 'abort'),
      marker(5, 8, 'commit'),
      batch(6, ['t7-next'], { producerId: 7, transactional: true }), // a later transaction of 7, committed
      marker(7, 7, 'commit'),
    ]);
    const committed = decodeFetchedRecords(bytes, 0, { abortedTransactions: [{ producerId: 7, firstOffset: 1 }] });
    expect(committed.messages.map((m) => m.value?.toString())).toEqual(['plain', 't8-a', 't7-next']);
    expect(committed.nextOffset).toBe(8);
    const everything = decodeFetchedRecords(bytes, 0, { abortedTransactions: null });
    expect(everything.messages.map((m) => m.value?.toString())).toEqual(['plain', 't7-a', 't7-b', 't8-a', 't7-next']);
  });

  it('ignores a partial batch at the end and rejects a batch whose CRC does not match', () => {
    const whole = batch(0, ['x', 'y']);
    const { messages, nextOffset } = decodeFetchedRecords(Buffer.concat([whole, whole.subarray(0, whole.length - 3)]), 0, { abortedTransactions: null });
    expect(messages).toHaveLength(2);
    expect(nextOffset).toBe(2);
    const corrupt = Buffer.from(whole);
    corrupt[corrupt.length - 1] ^= 0xff;
    expect(() => decodeFetchedRecords(corrupt, 0, { abortedTransactions: null })).toThrow(CorruptRecordError);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeRecordBatch, encodeRecordBatch, validateRecordBatches } from '../../protocol/record-batch.ts';
import type { MessageHeaders } from '../../topics/message-context.ts';
import { RecordBatchBuilder } from './record-batch-builder.ts';

describe('RecordBatchBuilder', () => {
  it('writes the same bytes as the protocol codec for the same records', () => {
    const records: { key: Buffer | null; value: Buffer | null; headers: MessageHeaders; timestamp: number }[] = [
      { key: Buffer.from('k1'), value: Buffer.from('{"a":1}'), headers: { h: 'x', b: Buffer.from([1, 2]) }, timestamp: 1_700_000_000_123 },
      { key: null, value: null, headers: {}, timestamp: 1_700_000_000_100 },
      { key: Buffer.alloc(0), value: Buffer.alloc(300, 7), headers: { 'ü': 'ß' }, timestamp: 1_700_000_009_000 },
    ];
    const b = new RecordBatchBuilder(64); // grows while appending
    for (const r of records) b.append(r.key, r.value, r.headers, r.timestamp);
    const bytes = b.finish({ producerId: 77, producerEpoch: 3, baseSequence: 12, transactional: true });
    const expected = encodeRecordBatch({
      producerId: 77,
      producerEpoch: 3,
      baseSequence: 12,
      transactional: true,
      records: records.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: Object.entries(r.headers).map(([key, value]) => ({ key, value })) })),
    });
    // the codec takes the smallest timestamp as the base, the builder the first: compare decoded
    const got = decodeRecordBatch(bytes);
    const want = decodeRecordBatch(expected);
    expect(got.records).toEqual(want.records);
    expect({ ...got, records: [], baseTimestamp: 0 }).toEqual({ ...want, records: [], baseTimestamp: 0 });
    expect(validateRecordBatches(bytes).offsetCount).toBe(3);
  });

  it('bounds the size a record adds from above', () => {
    const b = new RecordBatchBuilder(256);
    const key = Buffer.alloc(200);
    const value = Buffer.alloc(70_000);
    const before = b.size;
    b.append(key, value, { trace: 'abc' }, 5);
    expect(b.size - before).toBeLessThanOrEqual(RecordBatchBuilder.recordSize(key, value, { trace: 'abc' }));
  });
});

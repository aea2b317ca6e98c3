import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { crc32c } from '@node-rs/crc32';
import { encodeRecordBatch, decodeRecordBatches, validateRecordBatches, BATCH } from './record-batch.ts';
import { CorruptRecordError } from './protocol-error.ts';

const require = createRequire(import.meta.url);

function be64(n: number): number[] {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return [...b];
}
const be32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const be16 = (n: number): number[] => [(n >>> 8) & 0xff, n & 0xff];
const str = (s: string): number[] => [...Buffer.from(s)];

describe('record batch (magic 2)', () => {
  it('computes CRC-32C with the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('encodes two records with keys and headers byte for byte as the spec lays them out', () => {
    const ts = 1_700_000_000_000;
    const out = encodeRecordBatch({
      records: [
        { key: 'k1', value: 'v1', headers: [{ key: 'h', value: 'x' }], timestamp: ts },
        { key: null, value: 'v2', headers: [], timestamp: ts + 5 },
      ],
    });
    // record 1: attributes 0, tsDelta 0, offsetDelta 0, key len 2 (zigzag 4), value len 2, 1 header (zigzag 2)
    const rec1 = [0, 0, 0, 4, ...str('k1'), 4, ...str('v1'), 2, 2, ...str('h'), 2, ...str('x')];
    // record 2: tsDelta 5 (zigzag 10), offsetDelta 1 (zigzag 2), null key (zigzag 1), value, 0 headers
    const rec2 = [0, 10, 2, 1, 4, ...str('v2'), 0];
    const afterCrc = [
      ...be16(0), ...be32(1), ...be64(ts), ...be64(ts + 5), ...be64(-1), ...be16(0xffff), ...be32(-1), ...be32(2),
      rec1.length * 2, ...rec1, rec2.length * 2, ...rec2,
    ];
    const crc = crc32c(Buffer.from(afterCrc));
    const expected = [...be64(0), ...be32(afterCrc.length + 9), ...be32(-1), 2, ...be32(crc), ...afterCrc];
    expect([...out]).toEqual(expected);
    expect(validateRecordBatches(out)).toEqual({ batchCount: 1, offsetCount: 2, lastOffsetDelta: 1, maxTimestamp: ts + 5 });
  });

  it('decodes what kafkajs encodes, with headers and offsets', async () => {
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
    const records = [
      Record({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('a'), value: Buffer.from('one'), headers: { trace: 'x1' } }),
      Record({ offsetDelta: 1, timestampDelta: 3, key: Buffer.from('b'), value: Buffer.from('two'), headers: {} }),
    ];
    const enc = await RecordBatch({ firstOffset: 100, firstTimestamp: 1000, maxTimestamp: 1003, lastOffsetDelta: 1, records });
    const buf: Buffer = enc.buffer;
    validateRecordBatches(buf);
    const [batch] = decodeRecordBatches(buf);
    expect(batch.baseOffset).toBe(100);
    expect(batch.records.map((r) => [r.offset, r.timestamp, r.key?.toString(), r.value?.toString()])).toEqual([
      [100, 1000, 'a', 'one'],
      [101, 1003, 'b', 'two'],
    ]);
    expect(batch.records[0].headers).toEqual([{ key: 'trace', value: Buffer.from('x1') }]);
  });

  it('walks concatenated batches and rejects a flipped byte, a wrong magic and a short batch', () => {
    const a = encodeRecordBatch({ records: [{ value: 'x' }] });
    const b = encodeRecordBatch({ records: [{ value: 'y' }, { value: 'z' }] });
    const both = Buffer.concat([a, b]);
    expect(validateRecordBatches(both)).toMatchObject({ batchCount: 2, offsetCount: 3 });
    expect(decodeRecordBatches(both).flatMap((x) => x.records.map((r) => r.value?.toString()))).toEqual(['x', 'y', 'z']);
    const flipped = Buffer.from(both);
    flipped[flipped.length - 2] ^= 0xff;
    expect(() => validateRecordBatches(flipped)).toThrow(CorruptRecordError);
    const magic = Buffer.from(a);
    magic[BATCH.magic] = 1;
    expect(() => validateRecordBatches(magic)).toThrow(/magic 1/);
    expect(() => validateRecordBatches(a.subarray(0, a.length - 1))).toThrow(CorruptRecordError);
    expect(() => validateRecordBatches(Buffer.alloc(0))).toThrow(CorruptRecordError);
  });
});

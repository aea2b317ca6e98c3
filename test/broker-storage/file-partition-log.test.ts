import { encodeRecordBatch } from '../../src/protocol/record-batch.ts';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecordBatches } from '../../src/protocol/record-batch.ts';
import { CorruptRecordError } from '../../src/protocol/protocol-error.ts';
import { OffsetOutOfRangeError } from '../../src/broker/storage/errors.ts';
import { FdCache } from '../../src/broker/storage/fd-cache.ts';
import { FilePartitionLog } from '../../src/broker/storage/file-partition-log.ts';
import { OffsetIndex } from '../../src/broker/storage/offset-index.ts';
import { logPolicy } from '../../src/broker/storage/log-policy.ts';
import { batch, captureLogger, summarize, tempDir } from './helpers.ts';

const open: { log: FilePartitionLog; fds: FdCache }[] = [];

function openLog(dir: string, opts: { segmentBytes?: number; indexIntervalBytes?: number; configs?: Record<string, string> } = {}) {
  const capture = captureLogger();
  const fds = new FdCache(4);
  const log = new FilePartitionLog({
    dir, topic: 't', partition: 0, fds, log: capture.logger,
    segmentBytes: opts.segmentBytes ?? 64 * 1024 * 1024, indexIntervalBytes: opts.indexIntervalBytes ?? 4096,
    policy: logPolicy(opts.configs ?? {}),
  });
  open.push({ log, fds });
  return { log, fds, ...capture };
}

function closeLog(log: FilePartitionLog): void {
  log.close();
  open.find((o) => o.log === log)?.fds.closeAll();
}

afterEach(() => {
  for (const o of open.splice(0)) {
    o.log.close();
    o.fds.closeAll();
  }
});

const segmentFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();

describe('FilePartitionLog', () => {
  it('assigns consecutive offsets across appends and across batches of one append', () => {
    const { log } = openLog(tempDir());
    expect(log.append(batch(3)).baseOffset).toBe(0);
    expect(log.append(Buffer.concat([batch(2, { prefix: 'a' }), batch(4, { prefix: 'b' })])).baseOffset).toBe(3);
    expect(log.append(batch(1)).baseOffset).toBe(9);
    expect(log.logEndOffset).toBe(10);
    expect(log.logStartOffset).toBe(0);
    expect(summarize(log.read(0, 1 << 20))).toEqual([[0, 3, 'v-0'], [3, 2, 'a-0'], [5, 4, 'b-0'], [9, 1, 'v-0']]);
    const records = decodeRecordBatches(log.read(5, 1 << 20))[0].records.map((r) => r.offset);
    expect(records).toEqual([5, 6, 7, 8]);
  });

  it('stores batches byte-identical except the rewritten base offset', () => {
    const { log } = openLog(tempDir());
    log.append(batch(2));
    const original = batch(5, { prefix: 'same' });
    log.append(Buffer.from(original));
    const stored = log.read(2, 1 << 20);
    expect(stored.length).toBe(original.length);
    expect(stored.readBigInt64BE(0)).toBe(2n);
    expect(stored.subarray(8).equals(original.subarray(8))).toBe(true);
  });

  it('reads from the middle of a batch by returning the whole batch that contains it', () => {
    const { log } = openLog(tempDir());
    log.append(batch(10, { prefix: 'a' }));
    log.append(batch(10, { prefix: 'b' }));
    expect(summarize(log.read(14, 1 << 20))).toEqual([[10, 10, 'b-0']]);
    expect(summarize(log.read(9, 1 << 20))).toEqual([[0, 10, 'a-0'], [10, 10, 'b-0']]);
  });

  it('returns at least one whole batch even beyond maxBytes, and never a partial batch', () => {
    const { log } = openLog(tempDir());
    const a = batch(5, { prefix: 'a' });
    const b = batch(5, { prefix: 'b' });
    log.append(a);
    log.append(b);
    expect(log.read(0, 1).length).toBe(a.length);
    expect(log.read(0, a.length + b.length - 1).length).toBe(a.length);
    expect(log.read(0, a.length + b.length).length).toBe(a.length + b.length);
    expect(log.read(10, 100).length).toBe(0);
  });

  it('throws OffsetOutOfRangeError below the log start and beyond the log end', () => {
    const { log } = openLog(tempDir());
    log.append(batch(3));
    expect(() => log.read(4, 100)).toThrow(OffsetOutOfRangeError);
    expect(() => log.read(-1, 100)).toThrow(OffsetOutOfRangeError);
    expect(log.read(3, 100).length).toBe(0);
  });

  it('rejects a malformed append without writing anything', () => {
    const { log } = openLog(tempDir());
    const good = batch(2);
    expect(() => log.append(Buffer.concat([good, good.subarray(0, 30)]))).toThrow(CorruptRecordError);
    expect(log.logEndOffset).toBe(0);
    expect(log.append(batch(1)).baseOffset).toBe(0);
  });

  it('rolls segments at segmentBytes and reads across them', () => {
    const dir = tempDir();
    const { log } = openLog(dir, { segmentBytes: 4096, indexIntervalBytes: 256 });
    const size = batch(10, { valueBytes: 90 }).length; // ~1 KiB
    for (let i = 0; i < 20; i++) log.append(batch(10, { prefix: `p${i}`, valueBytes: 90 }));
    const perSegment = Math.floor(4096 / size);
    expect(log.segmentCount).toBe(Math.ceil(20 / perSegment));
    expect(segmentFiles(dir)[1]).toBe(`${String(perSegment * 10).padStart(20, '0')}.log`);
    for (let i = 0; i < 20; i++) {
      const got = summarize(log.read(i * 10 + 7, 1));
      expect(got).toEqual([[i * 10, 10, `p${i}-0${'x'.repeat(90)}`]]);
    }
    let offset = 0;
    let batches = 0;
    while (offset < log.logEndOffset) {
      const bytes = log.read(offset, 1 << 20);
      const decoded = decodeRecordBatches(bytes);
      batches += decoded.length;
      const last = decoded[decoded.length - 1];
      offset = last.baseOffset + last.lastOffsetDelta + 1;
    }
    expect(batches).toBe(20);
    expect(offset).toBe(200);
  });

  it('recovers every batch and segment after a restart', () => {
    const dir = tempDir();
    const first = openLog(dir, { segmentBytes: 2048, indexIntervalBytes: 128 });
    for (let i = 0; i < 30; i++) first.log.append(batch(3, { prefix: `r${i}`, timestamp: 1000 + i }));
    const segments = first.log.segmentCount;
    closeLog(first.log);
    const again = openLog(dir, { segmentBytes: 2048, indexIntervalBytes: 128 });
    expect(again.log.logEndOffset).toBe(90);
    expect(again.log.segmentCount).toBe(segments);
    expect(summarize(again.log.read(44, 1))).toEqual([[42, 3, 'r14-0']]);
    expect(again.log.append(batch(1)).baseOffset).toBe(90);
    expect(again.warnings).toEqual([]);
  });

  it('recovers after a crash without close (index of the active segment rebuilt by scanning)', () => {
    const dir = tempDir();
    const first = openLog(dir, { segmentBytes: 2048, indexIntervalBytes: 128 });
    for (let i = 0; i < 25; i++) first.log.append(batch(3, { prefix: `c${i}` }));
    // no close: simulate kill -9 by releasing descriptors only
    first.log.release();
    const again = openLog(dir, { segmentBytes: 2048, indexIntervalBytes: 128 });
    expect(again.log.logEndOffset).toBe(75);
    expect(summarize(again.log.read(73, 1))).toEqual([[72, 3, 'c24-0']]);
  });

  it('truncates a torn tail on reopen and keeps the good batches', () => {
    const dir = tempDir();
    const first = openLog(dir);
    first.log.append(batch(4, { prefix: 'a' }));
    first.log.append(batch(4, { prefix: 'b' }));
    const goodSize = fs.statSync(path.join(dir, segmentFiles(dir)[0])).size;
    first.log.append(batch(4, { prefix: 'c' }));
    first.log.release();
    const file = path.join(dir, segmentFiles(dir)[0]);
    fs.truncateSync(file, fs.statSync(file).size - 5);
    const again = openLog(dir);
    expect(again.log.logEndOffset).toBe(8);
    expect(fs.statSync(file).size).toBe(goodSize);
    expect(summarize(again.log.read(0, 1 << 20))).toEqual([[0, 4, 'a-0'], [4, 4, 'b-0']]);
    expect(again.warnings.length).toBe(1);
    expect(again.warnings[0]).toContain(`truncating torn or corrupt tail of t-0 at byte ${goodSize}`);
    expect(again.log.append(batch(1)).baseOffset).toBe(8);
  });

  it('truncates appended garbage on reopen', () => {
    const dir = tempDir();
    const first = openLog(dir);
    first.log.append(batch(2));
    first.log.release();
    const file = path.join(dir, segmentFiles(dir)[0]);
    const size = fs.statSync(file).size;
    fs.appendFileSync(file, Buffer.from('garbage that is not a batch at all, long enough for a header........'));
    const again = openLog(dir);
    expect(again.log.logEndOffset).toBe(2);
    expect(fs.statSync(file).size).toBe(size);
    expect(again.warnings.length).toBe(1);
  });

  it('truncates a last batch whose CRC does not match', () => {
    const dir = tempDir();
    const first = openLog(dir);
    first.log.append(batch(3, { prefix: 'ok' }));
    const okSize = fs.statSync(path.join(dir, segmentFiles(dir)[0])).size;
    first.log.append(batch(3, { prefix: 'bad' }));
    first.log.release();
    const file = path.join(dir, segmentFiles(dir)[0]);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff; // flip a byte inside the last record
    fs.writeFileSync(file, bytes);
    const again = openLog(dir);
    expect(again.log.logEndOffset).toBe(3);
    expect(fs.statSync(file).size).toBe(okSize);
    expect(again.warnings[0]).toContain('CRC-32C or magic mismatch');
  });

  it('rebuilds a missing or damaged index of an older segment', () => {
    const dir = tempDir();
    const first = openLog(dir, { segmentBytes: 1024, indexIntervalBytes: 64 });
    for (let i = 0; i < 40; i++) first.log.append(batch(2, { prefix: `i${i}` }));
    expect(first.log.segmentCount).toBe(4);
    closeLog(first.log);
    const indexes = fs.readdirSync(dir).filter((f) => f.endsWith('.index')).sort();
    fs.rmSync(path.join(dir, indexes[0]));
    fs.writeFileSync(path.join(dir, indexes[1]), Buffer.from('not an index'));
    const again = openLog(dir, { segmentBytes: 1024, indexIntervalBytes: 64 });
    expect(again.warnings.filter((w) => w.includes('rebuilding')).length).toBe(2);
    for (let i = 0; i < 40; i++) expect(summarize(again.log.read(i * 2 + 1, 1))).toEqual([[i * 2, 2, `i${i}-0`]]);
    expect(OffsetIndex.fromBuffer(fs.readFileSync(path.join(dir, indexes[1])), fs.statSync(path.join(dir, indexes[1].replace('.index', '.log'))).size)).not.toBeNull();
  });

  it('moves the log start offset with deleteRecordsBefore, persists it and drops whole segments', () => {
    const dir = tempDir();
    const first = openLog(dir, { segmentBytes: 1024 });
    for (let i = 0; i < 30; i++) first.log.append(batch(2, { prefix: `d${i}` }));
    const before = first.log.segmentCount;
    expect(first.log.deleteRecordsBefore(35)).toBe(35);
    expect(first.log.deleteRecordsBefore(10)).toBe(35);
    expect(first.log.logStartOffset).toBe(35);
    expect(first.log.segmentCount).toBeLessThan(before);
    expect(() => first.log.read(34, 100)).toThrow(OffsetOutOfRangeError);
    expect(summarize(first.log.read(35, 1))).toEqual([[34, 2, 'd17-0']]);
    expect(() => first.log.deleteRecordsBefore(61)).toThrow(OffsetOutOfRangeError);
    closeLog(first.log);
    const again = openLog(dir, { segmentBytes: 1024 });
    expect(again.log.logStartOffset).toBe(35);
    expect(again.log.logEndOffset).toBe(60);
  });

  it('finds the earliest batch whose max timestamp reaches a timestamp', () => {
    const { log } = openLog(tempDir(), { segmentBytes: 1024, indexIntervalBytes: 100 });
    for (let i = 0; i < 40; i++) log.append(batch(2, { timestamp: 10_000 + i * 100 }));
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 10_000 });
    expect(log.offsetForTimestamp(12_050)).toEqual({ offset: 42, timestamp: 12_100 });
    expect(log.offsetForTimestamp(13_900)).toEqual({ offset: 78, timestamp: 13_900 });
    expect(log.offsetForTimestamp(13_901)).toBeNull();
    log.deleteRecordsBefore(43);
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 43, timestamp: 12_100 });
  });

  it('finds the first record (not just the batch) whose timestamp reaches a timestamp, as Kafka does', () => {
    const { log } = openLog(tempDir());
    log.append(encodeRecordBatch({ records: [100, 300, 200, 400].map((timestamp, i) => ({ key: null, value: `r${i}`, timestamp })) }));
    expect(log.offsetForTimestamp(150)).toEqual({ offset: 1, timestamp: 300 });
    expect(log.offsetForTimestamp(350)).toEqual({ offset: 3, timestamp: 400 });
    log.deleteRecordsBefore(2);
    expect(log.offsetForTimestamp(150)).toEqual({ offset: 2, timestamp: 200 });
    expect(log.offsetForTimestamp(401)).toBeNull();
  });

  it('stamps LogAppendTime on batches and keeps their CRC valid', () => {
    const { log } = openLog(tempDir(), { configs: { 'message.timestamp.type': 'LogAppendTime' } });
    const before = Date.now();
    const result = log.append(batch(3, { timestamp: 5 }));
    expect(result.logAppendTime).toBeGreaterThanOrEqual(before);
    const [b] = decodeRecordBatches(log.read(0, 1 << 20));
    expect(b.maxTimestamp).toBe(result.logAppendTime);
    expect(b.attributes & 0x08).toBe(0x08);
    const bytes = log.read(0, 1 << 20);
    expect(crc32c(bytes.subarray(21)) >>> 0).toBe(bytes.readUInt32BE(17));
  });

  it('reports CreateTime appends with logAppendTime -1', () => {
    const { log } = openLog(tempDir());
    expect(log.append(batch(1))).toEqual({ baseOffset: 0, logAppendTime: -1, logStartOffset: 0 });
  });

  it('calls onAppend listeners after each append until unsubscribed', () => {
    const { log } = openLog(tempDir());
    const seen: number[] = [];
    const off = log.onAppend(() => seen.push(log.logEndOffset));
    log.append(batch(2));
    log.append(batch(3));
    off();
    log.append(batch(1));
    expect(seen).toEqual([2, 5]);
  });

  it('still reports an append whose listener throws, and logs a warning', () => {
    const { log, warnings } = openLog(tempDir());
    log.onAppend(() => {
      throw new Error('listener bug');
    });
    expect(log.append(batch(2)).baseOffset).toBe(0);
    expect(log.logEndOffset).toBe(2);
    expect(warnings).toEqual(['an append listener threw; the append itself succeeded']);
  });

  it('keeps at most the LRU capacity of read descriptors open while reading many segments', () => {
    const { log, fds } = openLog(tempDir(), { segmentBytes: 1024 });
    for (let i = 0; i < 60; i++) log.append(batch(2, { prefix: `f${String(i).padStart(2, '0')}` }));
    expect(log.segmentCount).toBe(6);
    for (let i = 0; i < 60; i++) expect(summarize(log.read(i * 2, 1))[0][0]).toBe(i * 2);
    expect(fds.size).toBe(4);
  });
});

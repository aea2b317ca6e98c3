// Builds one record batch (magic 2) in place, record by record, for the producer: the 61-byte
// header is reserved up front and filled in by `finish`, each record is written straight into the
// batch buffer with its length computed first (no per-record buffers), and the CRC-32C covers
// attributes..end as the batch format requires (the grammar is in src/protocol/record-batch.ts).
import { crc32c } from '@node-rs/crc32';
import { BATCH } from '../../protocol/record-batch.ts';
import type { MessageHeaders } from '../../topics/message-context.ts';

/**
 * Producer identity and sequence a batch carries (idempotent and transactional producers).
 *
 * @example
 * ```ts
 * const stamp: BatchStamp = { producerId: 4000, producerEpoch: 0, baseSequence: 42, transactional: false };
 * ```
 */
export interface BatchStamp {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

const uvarintSize = (v: number): number => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);
const varintSize = (v: number): number => uvarintSize(((v << 1) ^ (v >> 31)) >>> 0);

function varlongSize(v: number): number {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

/**
 * One record batch being filled. Append records with {@link append} while {@link size} stays
 * under the batch limit, then {@link finish} it with the producer's stamp.
 *
 * @example
 * ```ts
 * const b = new RecordBatchBuilder(16 * 1024);
 * b.append(Buffer.from('k'), Buffer.from('v'), {}, Date.now());
 * const bytes = b.finish({ producerId: -1, producerEpoch: -1, baseSequence: -1, transactional: false });
 * ```
 */
export class RecordBatchBuilder {
  private buf: Buffer;
  private pos: number = BATCH.headerSize;
  private baseTimestamp = 0;
  private maxTimestamp = 0;
  /** Records appended. */
  count = 0;

  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafe(Math.max(initialBytes, 256));
  }

  /** Bytes the batch takes so far. */
  get size(): number {
    return this.pos;
  }

  /** Bytes `append` would add for this record. */
  static recordSize(key: Buffer | null, value: Buffer | null, headers: MessageHeaders | undefined): number {
    // an upper bound of the length prefix + attributes + timestamp and offset deltas
    let n = 5 + 1 + 10 + 5;
    n += key === null ? 1 : uvarintSize(key.length * 2) + key.length;
    n += value === null ? 1 : uvarintSize(value.length * 2) + value.length;
    n += 5;
    if (headers) for (const name in headers) n += 10 + Buffer.byteLength(name) + Buffer.byteLength(headers[name]!);
    return n;
  }

  /** Appends one record; `timestamp` in epoch ms. */
  append(key: Buffer | null, value: Buffer | null, headers: MessageHeaders | undefined, timestamp: number): void {
    if (this.count === 0) {
      this.baseTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    } else if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    const tsDelta = timestamp - this.baseTimestamp;
    const offsetDelta = this.count;
    let headerCount = 0;
    let headerBytes = 0;
    if (headers) {
      for (const name in headers) {
        const v = headers[name]!;
        const nameLen = Buffer.byteLength(name);
        const valueLen = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
        headerBytes += varintSize(nameLen) + nameLen + varintSize(valueLen) + valueLen;
        headerCount++;
      }
    }
    const keyLen = key === null ? -1 : key.length;
    const valueLen = value === null ? -1 : value.length;
    const bodySize =
      1 +
      varlongSize(tsDelta) +
      varintSize(offsetDelta) +
      varintSize(keyLen) +
      (keyLen > 0 ? keyLen : 0) +
      varintSize(valueLen) +
      (valueLen > 0 ? valueLen : 0) +
      varintSize(headerCount) +
      headerBytes;
    this.ensure(5 + bodySize);
    const buf = this.buf;
    let p = this.writeVarint(this.pos, bodySize);
    buf[p++] = 0; // attributes
    p = this.writeVarlong(p, tsDelta);
    p = this.writeVarint(p, offsetDelta);
    p = this.writeVarint(p, keyLen);
    if (keyLen > 0) p += key!.copy(buf, p);
    p = this.writeVarint(p, valueLen);
    if (valueLen > 0) p += value!.copy(buf, p);
    p = this.writeVarint(p, headerCount);
    if (headers) {
      for (const name in headers) {
        const v = headers[name]!;
        const nameLen = Buffer.byteLength(name);
        p = this.writeVarint(p, nameLen);
        p += buf.write(name, p, nameLen, 'utf8');
        if (typeof v === 'string') {
          const len = Buffer.byteLength(v);
          p = this.writeVarint(p, len);
          p += buf.write(v, p, len, 'utf8');
        } else {
          p = this.writeVarint(p, v.length);
          p += v.copy(buf, p);
        }
      }
    }
    this.pos = p;
    this.count++;
  }

  /**
   * The records section (after the header), for compressing it before {@link finish}.
   */
  records(): Buffer {
    return this.buf.subarray(BATCH.headerSize, this.pos);
  }

  /**
   * Fills in the header and returns the batch bytes. With `compressed` (the records section
   * compressed with codec `codec`: 1 gzip, 2 snappy, 3 lz4, 4 zstd) the batch carries those bytes
   * instead of the plain records.
   */
  finish(stamp: BatchStamp, compressed?: { codec: number; bytes: Buffer }): Buffer {
    let out = this.buf;
    let end = this.pos;
    if (compressed) {
      out = Buffer.allocUnsafe(BATCH.headerSize + compressed.bytes.length);
      compressed.bytes.copy(out, BATCH.headerSize);
      end = out.length;
    }
    out.writeBigInt64BE(0n, BATCH.baseOffset);
    out.writeInt32BE(end - BATCH.logOverhead, BATCH.batchLength);
    out.writeInt32BE(-1, BATCH.partitionLeaderEpoch);
    out[BATCH.magic] = 2;
    out.writeInt16BE((compressed?.codec ?? 0) | (stamp.transactional ? 0x10 : 0), BATCH.attributes);
    out.writeInt32BE(this.count - 1, BATCH.lastOffsetDelta);
    writeInt64(out, BATCH.baseTimestamp, this.baseTimestamp);
    writeInt64(out, BATCH.maxTimestamp, this.maxTimestamp);
    writeInt64(out, BATCH.producerId, stamp.producerId);
    out.writeInt16BE(stamp.producerEpoch, BATCH.producerEpoch);
    out.writeInt32BE(stamp.baseSequence, BATCH.baseSequence);
    out.writeInt32BE(this.count, BATCH.recordCount);
    out.writeUInt32BE(crc32c(out.subarray(BATCH.attributes, end)) >>> 0, BATCH.crc);
    return out.subarray(0, end);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private writeVarint(p: number, v: number): number {
    let u = ((v << 1) ^ (v >> 31)) >>> 0;
    const buf = this.buf;
    while (u > 0x7f) {
      buf[p++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    buf[p++] = u;
    return p;
  }

  private writeVarlong(p: number, v: number): number {
    let u = v >= 0 ? v * 2 : -v * 2 - 1;
    const buf = this.buf;
    while (u >= 128) {
      buf[p++] = (u % 128) | 0x80;
      u = Math.floor(u / 128);
    }
    buf[p++] = u;
    return p;
  }
}

function writeInt64(buf: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(v - hi * 4294967296, at + 4);
}

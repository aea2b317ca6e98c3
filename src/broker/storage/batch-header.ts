import { crc32c } from '@node-rs/crc32';
import { BATCH } from '../../protocol/record-batch.ts';

export { BATCH };

const TWO_32 = 0x1_0000_0000;

/** Attribute bit telling that batch timestamps are the broker's LogAppendTime. */
export const LOG_APPEND_TIME_FLAG = 0x08;

/**
 * Reads an int64 field of a batch header as a number (exact up to 2^53).
 *
 * @example
 * ```ts
 * const baseOffset = readInt64(buf, pos + BATCH.baseOffset);
 * ```
 */
export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}

/**
 * Writes a number (an integer exact in a double) as an int64 big endian.
 *
 * @example
 * ```ts
 * writeInt64(buf, pos + BATCH.baseOffset, 42);
 * ```
 */
export function writeInt64(buf: Buffer, at: number, value: number): void {
  buf.writeInt32BE(Math.floor(value / TWO_32), at);
  buf.writeUInt32BE(value >>> 0, at + 4);
}

/**
 * Total size of the batch starting at `at` (batchLength plus the 12 bytes before it), or -1 when
 * fewer than a header's bytes are left or the declared size is impossible.
 *
 * @example
 * ```ts
 * for (let pos = 0; pos < buf.length; pos += batchSize(buf, pos)) { ... }
 * ```
 */
export function batchSize(buf: Buffer, at: number): number {
  if (buf.length - at < BATCH.headerSize) return -1;
  const size = buf.readInt32BE(at + BATCH.batchLength) + BATCH.logOverhead;
  return size < BATCH.headerSize ? -1 : size;
}

/**
 * Whether the complete batch at `buf[at, at + size)` has magic 2 and a matching CRC-32C.
 *
 * @example
 * ```ts
 * if (!batchIsValid(buf, 0, batchSize(buf, 0))) truncateHere();
 * ```
 */
export function batchIsValid(buf: Buffer, at: number, size: number): boolean {
  if (buf[at + BATCH.magic] !== 2) return false;
  if (buf.readInt32BE(at + BATCH.lastOffsetDelta) < 0) return false;
  const crc = crc32c(buf.subarray(at + BATCH.attributes, at + size)) >>> 0;
  return crc === buf.readUInt32BE(at + BATCH.crc);
}

/**
 * Stamps the broker's append time on a batch (LogAppendTime topics): sets the timestamp type bit
 * and max timestamp, then recomputes the CRC-32C.
 *
 * @example
 * ```ts
 * stampLogAppendTime(buf, pos, size, Date.now());
 * ```
 */
export function stampLogAppendTime(buf: Buffer, at: number, size: number, now: number): void {
  buf.writeInt16BE(buf.readInt16BE(at + BATCH.attributes) | LOG_APPEND_TIME_FLAG, at + BATCH.attributes);
  writeInt64(buf, at + BATCH.maxTimestamp, now);
  buf.writeUInt32BE(crc32c(buf.subarray(at + BATCH.attributes, at + size)) >>> 0, at + BATCH.crc);
}

/** The producer fields of one batch header, as the producer state reads them. */
export interface BatchHeader {
  readonly baseOffset: number;
  readonly lastOffsetDelta: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly transactional: boolean;
  readonly control: boolean;
}

/**
 * Reads the header fields of the batch at `buf[at]` that idempotence and transactions use.
 *
 * @example
 * ```ts
 * const h = readBatchHeader(batches, 0);
 * if (h.producerId >= 0) checkSequence(h.baseSequence);
 * ```
 */
export function readBatchHeader(buf: Buffer, at: number): BatchHeader {
  const attributes = buf.readInt16BE(at + BATCH.attributes);
  return {
    baseOffset: readInt64(buf, at + BATCH.baseOffset),
    lastOffsetDelta: buf.readInt32BE(at + BATCH.lastOffsetDelta),
    producerId: readInt64(buf, at + BATCH.producerId),
    producerEpoch: buf.readInt16BE(at + BATCH.producerEpoch),
    baseSequence: buf.readInt32BE(at + BATCH.baseSequence),
    transactional: (attributes & 0x10) !== 0,
    control: (attributes & 0x20) !== 0,
  };
}

/**
 * The leading whole batches of `buf` whose base offset is below `maxOffset` (read_committed
 * fetches stop at the last stable offset, which always falls on a batch boundary).
 *
 * @example
 * ```ts
 * const visible = batchesBelow(log.read(offset, maxBytes), lastStableOffset);
 * ```
 */
export function batchesBelow(buf: Buffer, maxOffset: number): Buffer {
  let pos = 0;
  while (buf.length - pos >= BATCH.headerSize) {
    if (readInt64(buf, pos + BATCH.baseOffset) >= maxOffset) break;
    pos += buf.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead;
  }
  return pos >= buf.length ? buf : buf.subarray(0, pos);
}

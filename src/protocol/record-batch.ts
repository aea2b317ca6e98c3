// Record batch (magic 2), the unit the log stores and Produce/Fetch carry:
//
// RecordBatch =>
//   baseOffset: INT64               @0
//   batchLength: INT32              @8   bytes after this field
//   partitionLeaderEpoch: INT32     @12
//   magic: INT8 (= 2)               @16
//   crc: UINT32                     @17  CRC-32C of attributes..end
//   attributes: INT16               @21  bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control
//   lastOffsetDelta: INT32          @23
//   baseTimestamp: INT64            @27
//   maxTimestamp: INT64             @35
//   producerId: INT64               @43
//   producerEpoch: INT16            @51
//   baseSequence: INT32             @53
//   records: INT32 count + Record…  @57
//
// Record =>
//   length: VARINT, attributes: INT8, timestampDelta: VARLONG, offsetDelta: VARINT,
//   keyLength: VARINT (-1 = null), key, valueLength: VARINT (-1 = null), value,
//   headers: VARINT count + (headerKeyLength: VARINT, headerKey, headerValueLength: VARINT, headerValue)…
import { crc32c } from '@node-rs/crc32';
import { Reader } from './primitives/reader.ts';
import { Writer } from './primitives/writer.ts';
import { CorruptRecordError, ProtocolError } from './protocol-error.ts';

/** Byte positions of the batch header fields. */
export const BATCH = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  /** Size of the header; the first record starts here. */
  headerSize: 61,
  /** baseOffset + batchLength: the bytes not counted by batchLength. */
  logOverhead: 12,
} as const;

/** One record header; keys are strings, values bytes. */
export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** One record of a batch. */
export interface KafkaRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
  /** Absolute timestamp (batch base timestamp + delta), ms since the epoch. */
  readonly timestamp: number;
  /** Absolute offset (batch base offset + delta). */
  readonly offset: number;
}

/** A decoded batch. `records` is empty when the batch is compressed (see `compressedRecords`). */
export interface RecordBatch {
  readonly baseOffset: number;
  readonly partitionLeaderEpoch: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
  readonly records: KafkaRecord[];
  /** The record bytes of a compressed batch, untouched; null when uncompressed. */
  readonly compressedRecords: Buffer | null;
}

/** What to encode; omitted fields take non-idempotent, non-transactional defaults. */
export interface RecordBatchInput {
  readonly baseOffset?: number;
  readonly partitionLeaderEpoch?: number;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly transactional?: boolean;
  readonly records: readonly {
    readonly key?: Buffer | string | null;
    readonly value: Buffer | string | null;
    readonly headers?: readonly { key: string; value: Buffer | string | null }[];
    /** Ms since the epoch; defaults to now. */
    readonly timestamp?: number;
  }[];
}

const toBuf = (b: Buffer | string | null | undefined): Buffer | null =>
  b === null || b === undefined ? null : typeof b === 'string' ? Buffer.from(b) : b;

function writeVarBytes(w: Writer, b: Buffer | null): void {
  if (b === null) w.varint(-1);
  else w.varint(b.length).raw(b);
}

/**
 * Encodes an uncompressed record batch (magic 2) with its CRC-32C.
 *
 * @example
 * ```ts
 * const bytes = encodeRecordBatch({ records: [{ key: 'k', value: 'v', headers: [{ key: 'h', value: '1' }] }] });
 * ```
 */
export function encodeRecordBatch(input: RecordBatchInput, w: Writer = new Writer(256)): Buffer {
  const start = w.offset;
  const now = Date.now();
  const timestamps = input.records.map((r) => r.timestamp ?? now);
  const baseTimestamp = timestamps.length > 0 ? Math.min(...timestamps) : now;
  const maxTimestamp = timestamps.length > 0 ? Math.max(...timestamps) : now;
  w.int64Number(input.baseOffset ?? 0);
  w.int32(0); // batchLength, patched below
  w.int32(input.partitionLeaderEpoch ?? -1);
  w.int8(2);
  w.uint32(0); // crc, patched below
  w.int16(input.transactional ? 0x10 : 0);
  w.int32(Math.max(input.records.length - 1, 0));
  w.int64Number(baseTimestamp);
  w.int64Number(maxTimestamp);
  w.int64Number(input.producerId ?? -1);
  w.int16(input.producerEpoch ?? -1);
  w.int32(input.baseSequence ?? -1);
  w.int32(input.records.length);
  const body = new Writer(128);
  input.records.forEach((rec, i) => {
    body.reset();
    body.int8(0);
    body.varlong(timestamps[i] - baseTimestamp);
    body.varint(i);
    writeVarBytes(body, toBuf(rec.key));
    writeVarBytes(body, toBuf(rec.value));
    const headers = rec.headers ?? [];
    body.varint(headers.length);
    for (const h of headers) {
      writeVarBytes(body, Buffer.from(h.key));
      writeVarBytes(body, toBuf(h.value));
    }
    w.varint(body.offset).raw(body.view());
  });
  w.setInt32(start + BATCH.batchLength, w.offset - start - BATCH.logOverhead);
  w.buf.writeUInt32BE(crc32c(w.buf.subarray(start + BATCH.attributes, w.offset)), start + BATCH.crc);
  return Buffer.from(w.buf.subarray(start, w.offset));
}

function readVarBytes(r: Reader): Buffer | null {
  const len = r.varint();
  return len < 0 ? null : r.raw(len);
}

/** Compression codec of a batch (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
export const compressionOf = (attributes: number): number => attributes & 0x07;

/**
 * Decodes concatenated record batches (a Fetch partition's `records`). A trailing partial batch is
 * ignored, as clients do. Compressed batches keep their record bytes in `compressedRecords`.
 *
 * @example
 * ```ts
 * for (const batch of decodeRecordBatches(partition.records)) for (const r of batch.records) console.log(r.offset);
 * ```
 */
export function decodeRecordBatches(buf: Buffer): RecordBatch[] {
  const out: RecordBatch[] = [];
  let pos = 0;
  while (buf.length - pos >= BATCH.headerSize) {
    const size = buf.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead;
    if (pos + size > buf.length) break;
    out.push(decodeRecordBatch(buf.subarray(pos, pos + size)));
    pos += size;
  }
  return out;
}

/** Decodes one complete record batch. Throws CorruptRecordError on a malformed batch. */
export function decodeRecordBatch(buf: Buffer): RecordBatch {
  if (buf.length < BATCH.headerSize || buf[BATCH.magic] !== 2) {
    throw new CorruptRecordError(`record batch of ${buf.length} bytes is not a magic 2 batch`);
  }
  const r = new Reader(buf, BATCH.baseOffset);
  const baseOffset = r.int64Number();
  r.int32();
  const partitionLeaderEpoch = r.int32();
  r.int8();
  r.uint32();
  const attributes = r.int16();
  const lastOffsetDelta = r.int32();
  const baseTimestamp = r.int64Number();
  const maxTimestamp = r.int64Number();
  const producerId = r.int64Number();
  const producerEpoch = r.int16();
  const baseSequence = r.int32();
  const recordCount = r.int32();
  const records: KafkaRecord[] = [];
  let compressedRecords: Buffer | null = null;
  if (compressionOf(attributes) !== 0) compressedRecords = buf.subarray(BATCH.headerSize);
  else {
    try {
      for (let i = 0; i < recordCount; i++) {
        const len = r.varint();
        const end = r.offset + len;
        r.int8();
        const timestamp = baseTimestamp + r.varlong();
        const offset = baseOffset + r.varint();
        const key = readVarBytes(r);
        const value = readVarBytes(r);
        const headers: RecordHeader[] = [];
        for (let n = r.varint(); n > 0; n--) {
          const hk = readVarBytes(r);
          headers.push({ key: hk === null ? '' : hk.toString('utf8'), value: readVarBytes(r) });
        }
        if (r.offset !== end) throw new CorruptRecordError(`record ${i} of the batch at offset ${baseOffset} has length ${len} but its fields take ${r.offset - end + len} bytes`);
        records.push({ key, value, headers, timestamp, offset });
      }
    } catch (e) {
      if (e instanceof ProtocolError) throw new CorruptRecordError(`record batch at offset ${baseOffset} is truncated`, { cause: e });
      throw e;
    }
  }
  return {
    baseOffset, partitionLeaderEpoch, attributes, lastOffsetDelta, baseTimestamp, maxTimestamp,
    producerId, producerEpoch, baseSequence, recordCount, records, compressedRecords,
  };
}

/** What `validateRecordBatches` found. */
export interface RecordBatchesSummary {
  readonly batchCount: number;
  /** Offsets the batches take (sum of lastOffsetDelta + 1). */
  readonly offsetCount: number;
  /** lastOffsetDelta of the last batch. */
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: number;
}

/**
 * Walks the concatenated batches of one Produce partition and checks each batch's size, magic and
 * CRC-32C without decompressing. Throws CorruptRecordError on the first bad batch.
 *
 * @example
 * ```ts
 * try { validateRecordBatches(records); } catch (e) { errorCode = 2; } // CORRUPT_MESSAGE
 * ```
 */
export function validateRecordBatches(buf: Buffer): RecordBatchesSummary {
  let pos = 0;
  let batchCount = 0;
  let offsetCount = 0;
  let lastOffsetDelta = -1;
  let maxTimestamp = -1;
  if (buf.length === 0) throw new CorruptRecordError('the produce request holds no record batch; send at least one');
  while (pos < buf.length) {
    if (buf.length - pos < BATCH.headerSize) {
      throw new CorruptRecordError(`record batch at byte ${pos} is truncated: ${buf.length - pos} bytes, a header takes ${BATCH.headerSize}`);
    }
    const size = buf.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead;
    if (size < BATCH.headerSize || pos + size > buf.length) {
      throw new CorruptRecordError(`record batch at byte ${pos} declares ${size} bytes but ${buf.length - pos} are left`);
    }
    const magic = buf[pos + BATCH.magic];
    if (magic !== 2) throw new CorruptRecordError(`record batch at byte ${pos} has magic ${magic}; only magic 2 is supported`);
    const expected = buf.readUInt32BE(pos + BATCH.crc);
    const actual = crc32c(buf.subarray(pos + BATCH.attributes, pos + size)) >>> 0;
    if (expected !== actual) {
      throw new CorruptRecordError(`record batch at byte ${pos} has CRC ${expected.toString(16)} but its bytes give ${actual.toString(16)}`);
    }
    lastOffsetDelta = buf.readInt32BE(pos + BATCH.lastOffsetDelta);
    if (lastOffsetDelta < 0) throw new CorruptRecordError(`record batch at byte ${pos} has negative lastOffsetDelta ${lastOffsetDelta}`);
    const ts = Number(buf.readBigInt64BE(pos + BATCH.maxTimestamp));
    if (ts > maxTimestamp) maxTimestamp = ts;
    offsetCount += lastOffsetDelta + 1;
    batchCount++;
    pos += size;
  }
  return { batchCount, offsetCount, lastOffsetDelta, maxTimestamp };
}

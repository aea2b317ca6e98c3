// Decodes the `Records` of one partition of a Fetch answer (concatenated record batches, magic 2;
// grammar in src/protocol/record-batch.ts) straight into the messages the pipeline reads: key and
// value are slices of the fetched bytes (no copies), the CRC-32C of every batch is checked, control
// batches are skipped, and with read_committed so are the batches of aborted transactions (the
// answer's AbortedTransactions list says from which offset each producer's batches are aborted,
// until its abort marker).
import { crc32c } from '@node-rs/crc32';
import { BATCH } from '../../protocol/record-batch.ts';
import { CorruptRecordError } from '../../protocol/protocol-error.ts';
import type { MessageHeaders } from '../../topics/message-context.ts';
import type { ConsumedMessage } from '../consumed-message.ts';
import { decompress } from './compression.ts';

const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const LOG_APPEND_TIME = 0x08;

/**
 * What {@link decodeFetchedRecords} found.
 *
 * @example
 * ```ts
 * const { messages, nextOffset } = decodeFetchedRecords(partition.records, 100, { abortedTransactions: [] });
 * ```
 */
export interface FetchedRecords {
  messages: ConsumedMessage[];
  /** The offset after the last complete batch (control and aborted ones included); undefined when none was complete. */
  nextOffset: number | undefined;
}

/**
 * Decodes fetched record batches; records before `fetchOffset` are left out. `abortedTransactions`
 * (read_committed only) lists each aborted transaction by producer id and first offset.
 * Throws CorruptRecordError on a batch with a bad CRC or truncated records.
 *
 * @example
 * ```ts
 * const { messages } = decodeFetchedRecords(records, fetchOffset, { abortedTransactions: null });
 * ```
 */
export function decodeFetchedRecords(records: Buffer, fetchOffset: number, options: { abortedTransactions: readonly { producerId: number; firstOffset: number }[] | null }): FetchedRecords {
  const messages: ConsumedMessage[] = [];
  let nextOffset: number | undefined;
  const aborted = options.abortedTransactions ? [...options.abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset) : null;
  let abortedIndex = 0;
  const abortingProducers = new Set<number>();
  let pos = 0;
  while (records.length - pos >= BATCH.headerSize) {
    const size = records.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead;
    if (pos + size > records.length) break; // a partial batch at the end of a fetch: read again from its start
    const baseOffset = readInt64(records, pos + BATCH.baseOffset);
    const lastOffsetDelta = records.readInt32BE(pos + BATCH.lastOffsetDelta);
    const magic = records[pos + BATCH.magic];
    if (magic !== 2) throw new CorruptRecordError(`fetched record batch at offset ${baseOffset} has magic ${magic}; only magic 2 is supported`);
    const crc = records.readUInt32BE(pos + BATCH.crc);
    if ((crc32c(records.subarray(pos + BATCH.attributes, pos + size)) >>> 0) !== crc) {
      throw new CorruptRecordError(`fetched record batch at offset ${baseOffset} fails its CRC-32C check; the log or the connection corrupted it`);
    }
    const attributes = records.readInt16BE(pos + BATCH.attributes);
    const producerId = readInt64(records, pos + BATCH.producerId);
    nextOffset = baseOffset + lastOffsetDelta + 1;
    const batchEnd = pos + size;
    if (aborted) {
      while (abortedIndex < aborted.length && aborted[abortedIndex]!.firstOffset <= baseOffset + lastOffsetDelta) abortingProducers.add(aborted[abortedIndex++]!.producerId);
    }
    if (attributes & CONTROL) {
      // a commit or abort marker: the aborted transaction of this producer ends here
      if (aborted && isAbortMarker(records, pos)) abortingProducers.delete(producerId);
    } else if (!(aborted && attributes & TRANSACTIONAL && abortingProducers.has(producerId)) && nextOffset > fetchOffset) {
      const baseTimestamp = readInt64(records, pos + BATCH.baseTimestamp);
      const appendTime = attributes & LOG_APPEND_TIME ? readInt64(records, pos + BATCH.maxTimestamp) : -1;
      const count = records.readInt32BE(pos + BATCH.recordCount);
      const codec = attributes & 0x07;
      const body = codec === 0 ? records : decompress(codec, records.subarray(pos + BATCH.headerSize, batchEnd));
      const start = codec === 0 ? pos + BATCH.headerSize : 0;
      const end = codec === 0 ? batchEnd : body.length;
      decodeRecords(body, start, end, count, baseOffset, baseTimestamp, appendTime, fetchOffset, messages);
    }
    pos = batchEnd;
  }
  return { messages, nextOffset };
}

/** Whether the control batch at `pos` holds an ABORT marker (control record key: version INT16, type INT16; 0 = abort). */
function isAbortMarker(records: Buffer, pos: number): boolean {
  const r = new RecordCursor(records, pos + BATCH.headerSize, records.length);
  r.varint(); // length
  r.pos++; // attributes
  r.varlong();
  r.varint();
  const keyLen = r.varint();
  if (keyLen < 4) return false;
  return records.readInt16BE(r.pos + 2) === 0;
}

function decodeRecords(
  buf: Buffer,
  start: number,
  end: number,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
  appendTime: number,
  fetchOffset: number,
  out: ConsumedMessage[],
): void {
  const r = new RecordCursor(buf, start, end);
  for (let i = 0; i < count; i++) {
    const len = r.varint();
    const recordEnd = r.pos + len;
    if (len < 0 || recordEnd > end) throw new CorruptRecordError(`record ${i} of the fetched batch at offset ${baseOffset} is truncated`);
    r.pos++; // attributes
    const tsDelta = r.varlong();
    const offset = baseOffset + r.varint();
    const key = r.bytes();
    const value = r.bytes();
    const headerCount = r.varint();
    let headers: MessageHeaders | undefined;
    if (headerCount > 0) {
      headers = {};
      for (let h = 0; h < headerCount; h++) {
        const nameLen = r.varint();
        const name = buf.toString('utf8', r.pos, r.pos + nameLen);
        r.pos += nameLen;
        const v = r.bytes();
        headers[name] = v ?? Buffer.alloc(0);
      }
    }
    if (r.pos !== recordEnd) throw new CorruptRecordError(`record ${i} of the fetched batch at offset ${baseOffset} has length ${len} but its fields take ${r.pos - recordEnd + len} bytes`);
    if (offset < fetchOffset) continue;
    out.push({ key, value, headers, timestamp: appendTime >= 0 ? appendTime : baseTimestamp + tsDelta, offset });
  }
}

/** A read position in a record section with the varint readers of the record format. */
class RecordCursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  varint(): number {
    const buf = this.buf;
    let value = 0;
    let shift = 0;
    let b: number;
    do {
      if (this.pos >= this.end) throw new CorruptRecordError('a fetched record is truncated inside a varint');
      b = buf[this.pos++]!;
      value |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    return (value >>> 1) ^ -(value & 1);
  }

  varlong(): number {
    const buf = this.buf;
    let value = 0;
    let mul = 1;
    let b: number;
    do {
      if (this.pos >= this.end) throw new CorruptRecordError('a fetched record is truncated inside a varlong');
      b = buf[this.pos++]!;
      value += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80 && mul < 2 ** 70);
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  /** VARINT length + bytes (-1 = null), as a slice of the buffer. */
  bytes(): Buffer | null {
    const len = this.varint();
    if (len < 0) return null;
    if (this.pos + len > this.end) throw new CorruptRecordError('a fetched record is truncated inside a key, value or header');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

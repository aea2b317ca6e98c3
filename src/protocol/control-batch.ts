// Control batches: the transaction markers a transaction coordinator writes into every partition
// of a transaction when it ends (KIP-98). A control batch is a record batch whose attributes have
// the control bit (0x20) and the transactional bit (0x10) set, no sequence (-1), and one record:
//
// ControlRecordKey   => version: INT16 (= 0), type: INT16 (0 = ABORT, 1 = COMMIT)
// ControlRecordValue => version: INT16 (= 0), coordinatorEpoch: INT32   (EndTransactionMarker)
import { crc32c } from '@node-rs/crc32';
import { BATCH } from './record-batch.ts';
import { Writer } from './primitives/writer.ts';
import { CorruptRecordError } from './protocol-error.ts';

/** Bits of a record batch's `attributes`. */
export const BATCH_ATTRIBUTE = {
  compression: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
} as const;

/** Control record types (the `type` field of a control record's key). */
export const CONTROL_TYPE = { abort: 0, commit: 1 } as const;

/** One transaction marker. */
export interface TransactionMarker {
  readonly producerId: number;
  readonly producerEpoch: number;
  /** true = COMMIT, false = ABORT. */
  readonly commit: boolean;
  readonly coordinatorEpoch: number;
  /** Ms since the epoch; defaults to now. */
  readonly timestamp?: number;
}

/**
 * Encodes a control batch holding one commit or abort marker (base offset 0; the log assigns it).
 *
 * @example
 * ```ts
 * const bytes = encodeControlBatch({ producerId: 7, producerEpoch: 0, commit: true, coordinatorEpoch: 0 });
 * ```
 */
export function encodeControlBatch(marker: TransactionMarker): Buffer {
  const ts = marker.timestamp ?? Date.now();
  const w = new Writer(96);
  w.int64Number(0);
  w.int32(0); // batchLength, patched below
  w.int32(-1);
  w.int8(2);
  w.uint32(0); // crc, patched below
  w.int16(BATCH_ATTRIBUTE.transactional | BATCH_ATTRIBUTE.control);
  w.int32(0);
  w.int64Number(ts);
  w.int64Number(ts);
  w.int64Number(marker.producerId);
  w.int16(marker.producerEpoch);
  w.int32(-1);
  w.int32(1);
  const key = new Writer(4).int16(0).int16(marker.commit ? CONTROL_TYPE.commit : CONTROL_TYPE.abort).view();
  const value = new Writer(6).int16(0).int32(marker.coordinatorEpoch).view();
  const body = new Writer(32);
  body.int8(0).varlong(0).varint(0).varint(key.length).raw(key).varint(value.length).raw(value).varint(0);
  w.varint(body.offset).raw(body.view());
  w.setInt32(BATCH.batchLength, w.offset - BATCH.logOverhead);
  w.buf.writeUInt32BE(crc32c(w.buf.subarray(BATCH.attributes, w.offset)) >>> 0, BATCH.crc);
  return Buffer.from(w.view());
}

/**
 * Reads the type of a control record from its key: `'commit'`, `'abort'`, or `'other'` for the
 * control types Kafka uses elsewhere (e.g. KRaft's leader change). Throws CorruptRecordError on a
 * key shorter than four bytes.
 *
 * @example
 * ```ts
 * if (controlRecordType(record.key!) === 'abort') skipAbortedTransaction();
 * ```
 */
export function controlRecordType(key: Buffer): 'commit' | 'abort' | 'other' {
  if (key.length < 4) throw new CorruptRecordError(`control record key has ${key.length} bytes; it needs 4 (version, type)`);
  const type = key.readInt16BE(2);
  return type === CONTROL_TYPE.commit ? 'commit' : type === CONTROL_TYPE.abort ? 'abort' : 'other';
}

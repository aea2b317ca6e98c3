/**
 * One consumed record as `sluice consume` prints it: raw key, value and header bytes and where the
 * record sits, independent of the client library that read it.
 *
 * @example
 * ```ts
 * const r: PrintableRecord = { topic: 'words', partition: 0, offset: '3', timestamp: '1700000000000', timestampType: 'CreateTime', key: Buffer.from('k'), value: Buffer.from('v'), headers: [] };
 * ```
 */
export interface PrintableRecord {
  topic: string;
  partition: number;
  /** Offset as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  /** Epoch milliseconds as a decimal string; `-1` when the record has none. */
  timestamp: string;
  /** What the timestamp means: set by the producer, or by the broker on append (topic config `message.timestamp.type`). */
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  /** Header names and values in record order (a name may repeat; a value may be null). */
  headers: ReadonlyArray<readonly [string, Buffer | null]>;
}

/**
 * Turns one record into the bytes printed for it, line separator included.
 *
 * @example
 * ```ts
 * const format: RecordFormatter = (r) => Buffer.from(`${r.value?.toString() ?? 'null'}\n`);
 * ```
 */
export type RecordFormatter = (record: PrintableRecord) => Buffer;

/**
 * Message headers as they flow through a pipeline: header name → value.
 *
 * @example
 * ```ts
 * const headers: MessageHeaders = { 'content-type': 'application/json', trace: Buffer.from([1, 2]) };
 * ```
 */
export type MessageHeaders = Record<string, string | Buffer>;

/**
 * What a callback knows about the message a value came from. Every row flowing through a
 * {@link StreamingDataFrame} carries one; it is an interface so that other parts of sluice (state,
 * windows) can add fields by declaration merging.
 *
 * @example
 * ```ts
 * sdf.apply((value, ctx: MessageContext) => ({ ...value, at: ctx.timestamp, from: `${ctx.topic}/${ctx.partition}@${ctx.offset}` }));
 * ```
 */
export interface MessageContext<K = unknown> {
  /** The message key after deserialization (null when the message has none). */
  key: K;
  /** Event time in epoch milliseconds (the Kafka timestamp, or the topic's timestampExtractor). */
  timestamp: number;
  /** Message headers. */
  headers: MessageHeaders;
  /** The topic the message was read from. */
  topic: string;
  /** The partition the message was read from. */
  partition: number;
  /** The offset of the message in its partition. */
  offset: number;
}

/**
 * One message as read from Kafka, before deserialization.
 *
 * @example
 * ```ts
 * const raw: RawMessage = { key: Buffer.from('k'), value: Buffer.from('{"a":1}'), headers: {}, timestamp: Date.now(), offset: 0 };
 * ```
 */
export interface RawMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: MessageHeaders;
  /** Epoch milliseconds. */
  timestamp: number;
  offset: number;
}

/**
 * A serialized record a pipeline wants produced.
 *
 * @example
 * ```ts
 * const rec: OutgoingRecord = { topic: 'out', key: Buffer.from('k'), value: Buffer.from('1'), headers: {}, timestamp: 0 };
 * ```
 */
export interface OutgoingRecord {
  topic: string;
  partition?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: MessageHeaders;
  timestamp: number;
}

/**
 * The topic-partition a batch belongs to.
 *
 * @example
 * ```ts
 * const tp: TopicPartition = { topic: 'jokes', partition: 0 };
 * ```
 */
export interface TopicPartition {
  topic: string;
  partition: number;
}

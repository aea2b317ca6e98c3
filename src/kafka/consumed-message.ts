import type { RawMessage } from '../topics/message-context.ts';

/**
 * A record as a {@link KafkaClient} delivers it: key, value and header values as Buffers
 * (slices of the fetched bytes where the client can), timestamp in epoch ms, absolute offset.
 *
 * @example
 * ```ts
 * const m: ConsumedMessage = { key: null, value: Buffer.from('{"a":1}'), headers: {}, timestamp: Date.now(), offset: 41 };
 * ```
 */
export type ConsumedMessage = RawMessage;

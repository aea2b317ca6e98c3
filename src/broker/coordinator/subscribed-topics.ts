import { decodeConsumerProtocolSubscription } from '../../protocol/generated/consumer-protocol-subscription.ts';
import { Reader } from '../../protocol/primitives/reader.ts';
import { ProtocolError } from '../../protocol/protocol-error.ts';

/** The protocol type of groups whose members speak Kafka's consumer protocol. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/**
 * The topics one consumer-protocol member subscribes to, read from its JoinGroup metadata (a
 * version prefix, then the v0 fields every later version starts with), or `null` when the
 * metadata is not a consumer subscription.
 *
 * @example
 * ```ts
 * subscribedTopicsOf(member.metadata('range')); // ['orders', 'payments']
 * ```
 */
export function subscribedTopicsOf(metadata: Uint8Array): string[] | null {
  try {
    const r = new Reader(Buffer.from(metadata.buffer, metadata.byteOffset, metadata.byteLength));
    r.int16();
    return decodeConsumerProtocolSubscription(r, 0).topics;
  } catch (e) {
    if (e instanceof ProtocolError) return null;
    throw e;
  }
}

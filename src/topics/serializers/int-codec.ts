import type { Codec } from './serializer.ts';

/**
 * 32-bit signed integers as 4 big-endian bytes — the format of Kafka's `IntegerSerializer`.
 *
 * @example
 * ```ts
 * intCodec.serialize(258, { topic: 't', field: 'value' }); // <Buffer 00 00 01 02>
 * ```
 */
export const intCodec: Codec<number> = {
  serialize: (value) => {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
      throw new TypeError(`expected a 32-bit integer, got ${String(value)}`);
    }
    const buf = Buffer.alloc(4);
    buf.writeInt32BE(value);
    return buf;
  },
  deserialize: (bytes) => {
    if (bytes.length !== 4) throw new TypeError(`expected 4 bytes for an int, got ${bytes.length}`);
    return bytes.readInt32BE(0);
  },
};

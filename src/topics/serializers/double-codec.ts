import type { Codec } from './serializer.ts';

/**
 * 64-bit floats as 8 big-endian bytes — the format of Kafka's `DoubleSerializer`.
 *
 * @example
 * ```ts
 * doubleCodec.deserialize(doubleCodec.serialize(1.5, { topic: 't', field: 'value' })!, { topic: 't', field: 'value' }); // 1.5
 * ```
 */
export const doubleCodec: Codec<number> = {
  serialize: (value) => {
    if (typeof value !== 'number') throw new TypeError(`expected a number, got ${typeof value}`);
    const buf = Buffer.alloc(8);
    buf.writeDoubleBE(value);
    return buf;
  },
  deserialize: (bytes) => {
    if (bytes.length !== 8) throw new TypeError(`expected 8 bytes for a double, got ${bytes.length}`);
    return bytes.readDoubleBE(0);
  },
};

import type { Codec } from './serializer.ts';

/**
 * Raw bytes: values are Buffers, passed through unchanged.
 *
 * @example
 * ```ts
 * bytesCodec.serialize(Buffer.from([1, 2]), { topic: 't', field: 'value' }); // <Buffer 01 02>
 * ```
 */
export const bytesCodec: Codec<Buffer> = {
  serialize: (value) => {
    if (!Buffer.isBuffer(value)) throw new TypeError(`expected a Buffer, got ${typeof value}`);
    return value;
  },
  deserialize: (bytes) => bytes,
};

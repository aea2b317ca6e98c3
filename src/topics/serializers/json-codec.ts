import stringify from 'fast-json-stable-stringify';
import type { Codec } from './serializer.ts';

/**
 * JSON as UTF-8; serialized with stable (sorted) key order so equal values give equal bytes.
 *
 * @example
 * ```ts
 * jsonCodec.serialize({ b: 1, a: 2 }, { topic: 't', field: 'value' }).toString(); // '{"a":2,"b":1}'
 * ```
 */
export const jsonCodec: Codec<unknown> = {
  serialize: (value) => Buffer.from(stringify(value), 'utf8'),
  deserialize: (bytes) => JSON.parse(bytes.toString('utf8')),
};

import stringify from 'fast-json-stable-stringify';
import type { Codec } from './serializer.ts';

/**
 * JSON as UTF-8 with object keys sorted, so equal values always give equal bytes — what message
 * keys need (the bytes pick the partition and identify the key in compacted topics and state).
 * `'json'` keys use it; values use it with `valueSerializer: 'json-stable'`.
 *
 * @example
 * ```ts
 * jsonStableCodec.serialize({ b: 1, a: 2 }, { topic: 't', field: 'key' }).toString(); // '{"a":2,"b":1}'
 * ```
 */
export const jsonStableCodec: Codec<unknown> = {
  serialize: (value) => Buffer.from(stringify(value), 'utf8'),
  deserialize: (bytes) => JSON.parse(bytes.toString('utf8')),
};

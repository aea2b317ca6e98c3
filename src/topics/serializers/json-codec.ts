import type { Codec } from './serializer.ts';

/**
 * JSON as UTF-8, keys in the order the object has them (`JSON.stringify`): the fast default for
 * values. Use `'json-stable'` where equal values must give equal bytes (keys get it by default).
 *
 * @example
 * ```ts
 * jsonCodec.serialize({ b: 1, a: 2 }, { topic: 't', field: 'value' }).toString(); // '{"b":1,"a":2}'
 * ```
 */
export const jsonCodec: Codec<unknown> = {
  serialize: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
  deserialize: (bytes) => JSON.parse(bytes.toString('utf8')),
};

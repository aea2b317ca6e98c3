import type { Codec } from './serializer.ts';

/**
 * UTF-8 strings (the default for keys). Non-string values are converted with `String(value)`.
 *
 * @example
 * ```ts
 * stringCodec.deserialize(Buffer.from('hi'), { topic: 't', field: 'key' }); // 'hi'
 * ```
 */
export const stringCodec: Codec<string> = {
  serialize: (value) => Buffer.from(typeof value === 'string' ? value : String(value), 'utf8'),
  deserialize: (bytes) => bytes.toString('utf8'),
};

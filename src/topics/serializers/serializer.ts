/**
 * Where a value is being (de)serialized: used in error messages.
 *
 * @example
 * ```ts
 * const ctx: SerializationContext = { topic: 'jokes', field: 'value' };
 * ```
 */
export interface SerializationContext {
  topic: string;
  /** 'key' or 'value'. */
  field: 'key' | 'value';
}

/**
 * Turns a value into bytes. `null`/`undefined` values become `null` (a tombstone / no key).
 *
 * @example
 * ```ts
 * const upper: Serializer<string> = { serialize: (v) => Buffer.from(v.toUpperCase()) };
 * ```
 */
export interface Serializer<T> {
  serialize(value: T, ctx: SerializationContext): Buffer | null;
}

/**
 * Turns bytes into a value. Throws when the bytes are malformed; sluice wraps the error in a
 * `DeserializationError` naming the topic, partition and offset.
 *
 * @example
 * ```ts
 * const upper: Deserializer<string> = { deserialize: (b) => b.toString('utf8').toUpperCase() };
 * ```
 */
export interface Deserializer<T> {
  deserialize(bytes: Buffer, ctx: SerializationContext): T;
}

/**
 * A serializer and deserializer for the same type.
 *
 * @example
 * ```ts
 * const csv: Codec<string[]> = { serialize: (v) => Buffer.from(v.join(',')), deserialize: (b) => b.toString().split(',') };
 * ```
 */
export interface Codec<T> extends Serializer<T>, Deserializer<T> {}

/**
 * Names of the built-in codecs: 'json' (UTF-8 JSON; as keys with sorted object keys),
 * 'json-stable' (UTF-8 JSON, always sorted object keys), 'string' (UTF-8), 'bytes'
 * (Buffers as-is), 'int' (4-byte big-endian int32), 'double' (8-byte big-endian float64).
 *
 * @example
 * ```ts
 * app.topic<number>('counts', { valueSerializer: 'int' satisfies CodecName, valueDeserializer: 'int' });
 * ```
 */
export type CodecName = 'json' | 'json-stable' | 'string' | 'bytes' | 'int' | 'double';

import type { MessageContext } from './message-context.ts';
import { resolveDeserializer, resolveSerializer } from './serializers/resolve-codec.ts';
import type { CodecName, Deserializer, Serializer } from './serializers/serializer.ts';
import { DeserializationError, SerializationError } from './serialization-errors.ts';

/**
 * How a topic is created when it is missing (with `autoCreateTopics`).
 *
 * @example
 * ```ts
 * app.topic('counts', { config: { numPartitions: 6, extra: { 'cleanup.policy': 'compact' } } });
 * ```
 */
export interface TopicConfig {
  /** Default 1. */
  numPartitions?: number;
  /** Default 1. */
  replicationFactor?: number;
  /** Topic-level configs such as `{ 'cleanup.policy': 'compact' }`. */
  extra?: Record<string, string>;
}

/**
 * Options of `app.topic(name, options)`.
 *
 * @example
 * ```ts
 * const opts: TopicOptions<number, string> = { valueSerializer: 'int', valueDeserializer: 'int', config: { numPartitions: 3 } };
 * ```
 */
export interface TopicOptions<V, K> {
  /** Default 'json' (`JSON.stringify`); 'json-stable' sorts object keys. */
  valueSerializer?: CodecName | Serializer<V>;
  /** Default 'json'. */
  valueDeserializer?: CodecName | Deserializer<V>;
  /** Default 'string'; 'json' keys are written with sorted object keys. */
  keySerializer?: CodecName | Serializer<K>;
  /** Default 'string'. */
  keyDeserializer?: CodecName | Deserializer<K>;
  config?: TopicConfig;
  /** Event time of a message; default: the Kafka message timestamp. */
  timestampExtractor?: (value: V, ctx: MessageContext<K>) => number;
  /** Marks topics sluice creates for itself (changelogs, repartition topics). */
  internal?: boolean;
  /**
   * The topic this one is partitioned like (changelog and repartition topics): it is created with
   * as many partitions as that topic has on the broker, whatever `config.numPartitions` says, and
   * the app refuses to start if it exists with fewer.
   */
  sourceTopic?: string;
}

/**
 * A Kafka topic with its serializers. Create with `app.topic(name, options)`; the type parameters
 * are the value type `V` and key type `K` (default string).
 *
 * @example
 * ```ts
 * interface Joke { id: number; text: string }
 * const jokes = app.topic<Joke>('jokes');
 * const lengths = app.topic<number>('joke-lengths', { valueSerializer: 'int', valueDeserializer: 'int' });
 * ```
 */
export class Topic<V = unknown, K = string> {
  readonly name: string;
  readonly config: Readonly<Required<TopicConfig>>;
  readonly internal: boolean;
  /** See {@link TopicOptions.sourceTopic}. */
  readonly sourceTopic?: string;
  readonly valueSerializer: Serializer<V>;
  readonly valueDeserializer: Deserializer<V>;
  readonly keySerializer: Serializer<K>;
  readonly keyDeserializer: Deserializer<K>;
  readonly timestampExtractor?: (value: V, ctx: MessageContext<K>) => number;

  constructor(name: string, options: TopicOptions<V, K> = {}) {
    this.name = name;
    this.config = Object.freeze({
      numPartitions: options.config?.numPartitions ?? 1,
      replicationFactor: options.config?.replicationFactor ?? 1,
      extra: Object.freeze({ ...(options.config?.extra ?? {}) }),
    });
    this.internal = options.internal ?? false;
    if (options.sourceTopic !== undefined) this.sourceTopic = options.sourceTopic;
    this.valueSerializer = resolveSerializer(options.valueSerializer ?? ('json' as CodecName), `topic '${name}' valueSerializer`);
    this.valueDeserializer = resolveDeserializer(options.valueDeserializer ?? ('json' as CodecName), `topic '${name}' valueDeserializer`);
    // JSON keys are always written with sorted object keys: the bytes pick the partition and name the key in state
    const keySerializer = options.keySerializer === 'json' ? 'json-stable' : (options.keySerializer ?? ('string' as CodecName));
    this.keySerializer = resolveSerializer(keySerializer, `topic '${name}' keySerializer`);
    this.keyDeserializer = resolveDeserializer(options.keyDeserializer ?? ('string' as CodecName), `topic '${name}' keyDeserializer`);
    this.timestampExtractor = options.timestampExtractor;
    Object.freeze(this);
  }

  /**
   * Deserializes a key; `null` bytes give `null`. Throws DeserializationError.
   *
   * @example
   * ```ts
   * topic.deserializeKey(Buffer.from('user-1'), 0, 42); // 'user-1'
   * ```
   */
  deserializeKey(bytes: Buffer | null, partition: number, offset: number): K {
    if (bytes === null) return null as K;
    try {
      return this.keyDeserializer.deserialize(bytes, { topic: this.name, field: 'key' });
    } catch (e) {
      throw new DeserializationError(this.name, partition, offset, 'key', e);
    }
  }

  /**
   * Deserializes a value; `null` bytes (a tombstone) give `null`. Throws DeserializationError.
   *
   * @example
   * ```ts
   * topic.deserializeValue(Buffer.from('{"a":1}'), 0, 42); // { a: 1 }
   * ```
   */
  deserializeValue(bytes: Buffer | null, partition: number, offset: number): V {
    if (bytes === null) return null as V;
    try {
      return this.valueDeserializer.deserialize(bytes, { topic: this.name, field: 'value' });
    } catch (e) {
      throw new DeserializationError(this.name, partition, offset, 'value', e);
    }
  }

  /**
   * Serializes a key; `null`/`undefined` give `null`. Throws SerializationError.
   *
   * @example
   * ```ts
   * topic.serializeKey('user-1'); // <Buffer 75 73 65 72 2d 31>
   * ```
   */
  serializeKey(key: K | null | undefined): Buffer | null {
    if (key === null || key === undefined) return null;
    try {
      return this.keySerializer.serialize(key, { topic: this.name, field: 'key' });
    } catch (e) {
      throw new SerializationError(this.name, 'key', e);
    }
  }

  /**
   * Serializes a value; `null`/`undefined` give `null`. Throws SerializationError.
   *
   * @example
   * ```ts
   * topic.serializeValue({ a: 1 }); // <Buffer 7b 22 61 22 3a 31 7d>
   * ```
   */
  serializeValue(value: V | null | undefined): Buffer | null {
    if (value === null || value === undefined) return null;
    try {
      return this.valueSerializer.serialize(value, { topic: this.name, field: 'value' });
    } catch (e) {
      throw new SerializationError(this.name, 'value', e);
    }
  }

}

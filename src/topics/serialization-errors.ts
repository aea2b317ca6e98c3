import { SluiceError } from '../errors.ts';

/**
 * A message's key or value could not be deserialized. Names topic, partition and offset.
 *
 * @example
 * ```ts
 * new Application({ onDeserializationError: (e: DeserializationError) => { console.warn(e.offset); return true; } });
 * ```
 */
export class DeserializationError extends SluiceError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly field: 'key' | 'value',
    cause: unknown,
    message?: string,
  ) {
    super(
      message ??
        `cannot deserialize the ${field} of the message at topic '${topic}' partition ${partition} offset ${offset}: ` +
          `${cause instanceof Error ? cause.message : String(cause)}; fix the producer or the topic's ${field}Deserializer, ` +
          `or set the app's deadLetterTopic to park such messages (onDeserializationError to skip them)`,
      cause === undefined ? {} : { cause },
    );
  }
}

/**
 * A value or key could not be serialized for an output topic.
 *
 * @example
 * ```ts
 * try { producer.produce(topic, { value: 1n }); } catch (e) { if (e instanceof SerializationError) console.error(e.topic); }
 * ```
 */
export class SerializationError extends SluiceError {
  constructor(
    readonly topic: string,
    readonly field: 'key' | 'value',
    cause: unknown,
  ) {
    super(
      `cannot serialize the ${field} for topic '${topic}': ${cause instanceof Error ? cause.message : String(cause)}; ` +
        `check the topic's ${field}Serializer`,
      { cause },
    );
  }
}

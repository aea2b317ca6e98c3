import { DeserializationError } from './serialization-errors.ts';

/**
 * A message with a null value (a tombstone) reached a frame that does not accept tombstones. It is
 * a {@link DeserializationError} of the value, so `onDeserializationError` and the dead-letter
 * topic handle it like one; a frame made with `app.dataframe(topic, { tombstones: true })`
 * receives tombstones as `null` values instead.
 *
 * @example
 * ```ts
 * new Application({ onDeserializationError: (e) => e instanceof TombstoneError }); // skip tombstones, stop on anything else
 * ```
 */
export class TombstoneError extends DeserializationError {
  constructor(topic: string, partition: number, offset: number) {
    super(
      topic,
      partition,
      offset,
      'value',
      undefined,
      `the message at topic '${topic}' partition ${partition} offset ${offset} is a tombstone (its value is null) and a frame reading ` +
        `the topic does not accept tombstones; declare app.dataframe(topic, { tombstones: true }) on every frame of the topic to receive ` +
        `them as null values, or set the app's deadLetterTopic to park such messages (onDeserializationError to skip them)`,
    );
  }
}

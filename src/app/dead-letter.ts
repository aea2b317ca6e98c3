import type { SluiceError } from '../errors.ts';
import type { OutgoingRecord, RawMessage } from '../topics/message-context.ts';
import { DeserializationError } from '../topics/serialization-errors.ts';

/**
 * The headers sluice adds to a record it writes to the dead-letter topic (beside the original
 * record's own headers): what failed, where the record came from, and which app parked it.
 *
 * @example
 * ```ts
 * const offset = Number(record.headers[DEAD_LETTER_HEADERS.offset]);
 * ```
 */
export const DEAD_LETTER_HEADERS = Object.freeze({
  /** The error class: `DeserializationError`, `TombstoneError` or `ProcessingError`. */
  errorClass: 'sluice.dlq.error.class',
  /** The error message (it names the record and what to do). */
  errorMessage: 'sluice.dlq.error.message',
  /** Where it failed: `deserialize-key`, `deserialize-value`, or the operator (`apply`, `filter`, `toTopic`, ...) named by the error's `operator`. */
  operator: 'sluice.dlq.operator',
  /** The topic the record was read from. */
  topic: 'sluice.dlq.topic',
  /** Its partition, in decimal. */
  partition: 'sluice.dlq.partition',
  /** Its offset, in decimal. */
  offset: 'sluice.dlq.offset',
  /** The consumer group of the app that parked it. */
  app: 'sluice.dlq.app',
});

/**
 * Where a Processor parks the messages it cannot process (the Application's `deadLetterTopic`).
 *
 * @example
 * ```ts
 * const deadLetters: DeadLetterTarget = { topic: 'word-counter-dlq', app: 'word-counter' };
 * ```
 */
export interface DeadLetterTarget {
  /** The dead-letter topic. */
  topic: string;
  /** The app's name in the headers (its consumer group). */
  app: string;
}

/** Longest error message copied into a header: a header is for reading, not for a stack dump. */
const MAX_MESSAGE_CHARS = 2000;

/**
 * The dead-letter record of `message` (read from `topic`/`partition`), which failed with `error`:
 * its original key, value bytes, headers and timestamp, plus the {@link DEAD_LETTER_HEADERS}. The
 * key is kept so that the dead letters of one key stay in order on one partition.
 *
 * @example
 * ```ts
 * const record = deadLetterRecord({ topic: 'dlq', app: 'g' }, { topic: 'in', partition: 0, message: raw }, error);
 * ```
 */
export function deadLetterRecord(
  target: DeadLetterTarget,
  source: { topic: string; partition: number; message: RawMessage },
  error: SluiceError,
): OutgoingRecord {
  const { message } = source;
  const text = error.message.length > MAX_MESSAGE_CHARS ? `${error.message.slice(0, MAX_MESSAGE_CHARS)}…` : error.message;
  return {
    topic: target.topic,
    key: message.key,
    value: message.value,
    timestamp: message.timestamp,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.errorClass]: error.name,
      [DEAD_LETTER_HEADERS.errorMessage]: text,
      [DEAD_LETTER_HEADERS.operator]: failedAt(error),
      [DEAD_LETTER_HEADERS.topic]: source.topic,
      [DEAD_LETTER_HEADERS.partition]: String(source.partition),
      [DEAD_LETTER_HEADERS.offset]: String(message.offset),
      [DEAD_LETTER_HEADERS.app]: target.app,
    },
  };
}

/** Where `error` happened: the deserialized field, or the `operator` an error names (a ProcessingError's, a sink's). */
function failedAt(error: SluiceError): string {
  if (error instanceof DeserializationError) return `deserialize-${error.field}`;
  const { operator } = error as { operator?: unknown };
  return typeof operator === 'string' ? operator : 'unknown';
}

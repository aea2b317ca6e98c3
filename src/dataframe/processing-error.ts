import { SluiceError } from '../errors.ts';

/**
 * A pipeline callback threw while processing a message. Names the operator, topic, partition and
 * offset; the callback's error is the `cause`.
 *
 * @example
 * ```ts
 * new Application({ onProcessingError: (e: ProcessingError) => e.operator === 'apply' });
 * ```
 */
export class ProcessingError extends SluiceError {
  constructor(
    readonly operator: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    cause: unknown,
  ) {
    super(
      `${operator} failed on the message at topic '${topic}' partition ${partition} offset ${offset}: ` +
        `${cause instanceof Error ? cause.message : String(cause)}; fix the callback, or set the app's deadLetterTopic to park such messages (onProcessingError to skip them)`,
      { cause },
    );
  }
}

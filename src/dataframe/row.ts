import type { MessageContext } from '../topics/message-context.ts';

/**
 * One value flowing through a compiled pipeline, with the context of the message it came from.
 * Operators that change the context (setTimestamp, setHeaders) make a new context object; values
 * are passed by reference.
 *
 * @example
 * ```ts
 * const row: Row = { value: { a: 1 }, ctx: { key: 'k', timestamp: 0, headers: {}, topic: 't', partition: 0, offset: 0 } };
 * ```
 */
export interface Row<T = unknown, K = unknown> {
  value: T;
  ctx: MessageContext<K>;
}

import type { MessageContext } from '../../topics/message-context.ts';
import { defineOperator, type FrameOperator } from '../define-operator.ts';

/**
 * Emits one row per item of the iterable `fn(value, ctx)` returns, each with the input's context.
 *
 * @example
 * ```ts
 * const op = expandOperator((s: string) => s.split(' '));
 * ```
 */
export function expandOperator(fn: (value: any, ctx: MessageContext<any>) => Iterable<unknown>): FrameOperator {
  return defineOperator('expand', () => (row, push) => {
    const items = fn(row.value, row.ctx);
    if (items == null || typeof (items as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`expand callback must return an iterable (an array, a Set, a generator), got ${items === null ? 'null' : typeof items}`);
    }
    for (const value of items) push({ value, ctx: row.ctx });
  });
}

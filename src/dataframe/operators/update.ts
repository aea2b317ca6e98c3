import type { MessageContext } from '../../topics/message-context.ts';
import { defineOperator, type FrameOperator } from '../define-operator.ts';

/**
 * Calls `fn(value, ctx)` for its side effect (it may mutate the value) and passes the value on.
 *
 * @example
 * ```ts
 * const op = updateOperator((v: { seen?: boolean }) => { v.seen = true; });
 * ```
 */
export function updateOperator(fn: (value: any, ctx: MessageContext<any>) => unknown): FrameOperator {
  return defineOperator('update', () => (row, push) => {
    fn(row.value, row.ctx);
    push(row);
  });
}

import type { MessageContext, MessageHeaders } from '../../topics/message-context.ts';
import { defineOperator, type FrameOperator } from '../define-operator.ts';

/**
 * Replaces the row's headers with `fn(value, ctx)`; the value passes on.
 *
 * @example
 * ```ts
 * const op = setHeadersOperator((v, ctx) => ({ ...ctx.headers, source: 'sluice' }));
 * ```
 */
export function setHeadersOperator(fn: (value: any, ctx: MessageContext<any>) => MessageHeaders): FrameOperator {
  return defineOperator('setHeaders', () => (row, push) => {
    const headers = fn(row.value, row.ctx);
    if (headers === null || typeof headers !== 'object') {
      throw new TypeError(`setHeaders callback must return an object of header values, got ${headers === null ? 'null' : typeof headers}`);
    }
    push({ value: row.value, ctx: { ...row.ctx, headers } });
  });
}

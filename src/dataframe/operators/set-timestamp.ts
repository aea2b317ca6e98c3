import type { MessageContext } from '../../topics/message-context.ts';
import { defineOperator, type FrameOperator } from '../define-operator.ts';

/**
 * Sets the row's event time (ctx.timestamp) to `fn(value, ctx)`; the value passes on.
 *
 * @example
 * ```ts
 * const op = setTimestampOperator((v: { at: number }) => v.at);
 * ```
 */
export function setTimestampOperator(fn: (value: any, ctx: MessageContext<any>) => number): FrameOperator {
  return defineOperator('setTimestamp', () => (row, push) => {
    const timestamp = fn(row.value, row.ctx);
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
      throw new TypeError(`setTimestamp callback must return epoch milliseconds as a finite number, got ${String(timestamp)}`);
    }
    push({ value: row.value, ctx: { ...row.ctx, timestamp } });
  });
}

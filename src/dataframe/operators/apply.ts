import type { MessageContext } from '../../topics/message-context.ts';
import { defineOperator, type FrameOperator } from '../define-operator.ts';

/**
 * Replaces each value with `fn(value, ctx)`.
 *
 * @example
 * ```ts
 * const op = applyOperator((v: number) => v + 1);
 * ```
 */
export function applyOperator(fn: (value: any, ctx: MessageContext<any>) => unknown): FrameOperator {
  return defineOperator('apply', () => (row, push) => push({ value: fn(row.value, row.ctx), ctx: row.ctx }));
}

import type { MessageContext } from '../../topics/message-context.ts';
import { defineOperator, type FrameOperator } from '../define-operator.ts';

/**
 * Passes on only the values for which `predicate(value, ctx)` is truthy.
 *
 * @example
 * ```ts
 * const op = filterOperator((v: number) => v > 0);
 * ```
 */
export function filterOperator(predicate: (value: any, ctx: MessageContext<any>) => unknown): FrameOperator {
  return defineOperator('filter', () => (row, push) => {
    if (predicate(row.value, row.ctx)) push(row);
  });
}

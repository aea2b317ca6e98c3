import { defineOperator, type FrameOperator } from '../define-operator.ts';
import { requireObject } from './assign.ts';

/**
 * Emits a shallow copy of the value without `fields`.
 *
 * @example
 * ```ts
 * const op = dropOperator(['password']);
 * ```
 */
export function dropOperator(fields: readonly string[]): FrameOperator {
  return defineOperator('drop', () => (row, push) => {
    requireObject(row.value, 'drop');
    const out: Record<string, unknown> = { ...row.value };
    for (const f of fields) delete out[f];
    push({ value: out, ctx: row.ctx });
  });
}

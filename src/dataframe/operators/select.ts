import { defineOperator, type FrameOperator } from '../define-operator.ts';
import { requireObject } from './assign.ts';

/**
 * Emits a new object with only `fields` of the value (fields the value lacks are left out).
 *
 * @example
 * ```ts
 * const op = selectOperator(['id', 'text']);
 * ```
 */
export function selectOperator(fields: readonly string[]): FrameOperator {
  return defineOperator('select', () => (row, push) => {
    const value = row.value;
    requireObject(value, 'select');
    const out: Record<string, unknown> = {};
    for (const f of fields) if (f in value) out[f] = value[f];
    push({ value: out, ctx: row.ctx });
  });
}

import type { MessageContext } from '../../topics/message-context.ts';
import { defineOperator, type FrameOperator } from '../define-operator.ts';

/**
 * Emits a shallow copy of the (object) value with `field` set to `fn(value, ctx)`.
 *
 * @example
 * ```ts
 * const op = assignOperator('length', (v: { text: string }) => v.text.length);
 * ```
 */
export function assignOperator(field: string, fn: (value: any, ctx: MessageContext<any>) => unknown): FrameOperator {
  return defineOperator('assign', () => (row, push) => {
    requireObject(row.value, 'assign');
    push({ value: { ...(row.value as object), [field]: fn(row.value, row.ctx) }, ctx: row.ctx });
  });
}

/**
 * Throws a TypeError naming the operator when `value` is not a plain object.
 *
 * @example
 * ```ts
 * requireObject({ a: 1 }, 'select'); // ok
 * ```
 */
export function requireObject(value: unknown, operator: string): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${operator} needs object values, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
}

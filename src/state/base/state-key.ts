/**
 * The state key of a message key: state and windows are scoped by it. Strings stay as they are;
 * bytes are read as UTF-8; null/undefined become `''`; other values become their JSON text.
 *
 * @example
 * ```ts
 * stateKeyOf(Buffer.from('user-1')); // 'user-1'
 * stateKeyOf(42);                     // '42'
 * ```
 */
export function stateKeyOf(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === null || key === undefined) return '';
  if (key instanceof Uint8Array) return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('utf8');
  return JSON.stringify(key);
}

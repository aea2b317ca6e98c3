import { encodeKey, prefixEnd } from './key-codec.ts';
import { StateError } from './state-error.ts';

/** Name of the reserved store holding offsets; user store names may not start with `__sluice`. */
export const META_STORE = '__sluice_meta';

/**
 * Key of the last input offset whose effects store `storeName` holds.
 *
 * @example
 * ```ts
 * backend.read(processedOffsetKey('default'));
 * ```
 */
export function processedOffsetKey(storeName: string): Buffer {
  return encodeKey([META_STORE, 'processed', storeName]);
}

/**
 * Key of the changelog offset of `storeName`.
 *
 * @example
 * ```ts
 * backend.read(changelogOffsetKey('default'));
 * ```
 */
export function changelogOffsetKey(storeName: string): Buffer {
  return encodeKey([META_STORE, 'changelog', storeName]);
}

/**
 * The byte range `[start, end)` covering every entry of `storeName`.
 *
 * @example
 * ```ts
 * const [start, end] = storeRange('default');
 * ```
 */
export function storeRange(storeName: string): [Buffer, Buffer] {
  const start = encodeKey([storeName]);
  return [start, prefixEnd(start)];
}

/**
 * Throws if `storeName` is empty or reserved.
 *
 * @example
 * ```ts
 * assertStoreName('default');
 * ```
 */
export function assertStoreName(storeName: string): void {
  if (typeof storeName !== 'string' || storeName.length === 0 || storeName.startsWith('__sluice')) {
    throw new StateError(`Store name "${String(storeName)}" is empty or reserved; choose a non-empty name not starting with "__sluice".`);
  }
}

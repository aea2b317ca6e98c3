/**
 * The storage primitive under {@link BufferedTransaction}: sorted bytes → value, read and
 * range-scanned, written atomically. `InMemoryStateStore` and `LmdbStateStore` implement it.
 *
 * @example
 * ```ts
 * backend.write([[encodeKey(['default', 'k']), 1]]); // value undefined deletes
 * ```
 */
export interface StoreBackend {
  /** The stored value, or undefined if the key is absent. */
  read(key: Buffer): unknown;
  /** Entries with `start <= key < end`, in byte order. */
  range(start: Buffer, end: Buffer): Iterable<[Buffer, unknown]>;
  /** Applies all puts (value undefined = delete) atomically and durably. */
  write(entries: ReadonlyArray<readonly [Buffer, unknown]>): void;
}

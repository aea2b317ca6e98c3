/** Options of {@link State.set}. */
export interface SetOptions {
  /**
   * Time to live in ms of EVENT time: the entry reads as absent once a message with a timestamp
   * at or after `timestamp + ttl` is processed, and is deleted then.
   */
  ttl?: number;
}

/**
 * The state a stateful callback sees: named values scoped to the current message key and
 * durable across restarts. Values must be JSON-serialisable.
 *
 * @example
 * ```ts
 * sdf.update((order, state) => {
 *   state.set('total', state.get('total', 0) + order.amount);
 * }, { stateful: true });
 * ```
 */
export interface State {
  /** The value stored under `name` for the current key, or `defaultValue` when absent or expired. */
  get<V = any>(name: string): V | undefined;
  get<V = any>(name: string, defaultValue: V): V;
  /** Stores `value` under `name` for the current key; `ttl` expires it in event time. */
  set<V = unknown>(name: string, value: V, options?: SetOptions): void;
  /** Deletes `name` for the current key. */
  delete(name: string): void;
  /** Whether `name` is stored and not expired for the current key. */
  has(name: string): boolean;
}

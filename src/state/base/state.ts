import type { Duration } from '../../windows/parse-duration.ts';

/**
 * Options of {@link State.set}.
 *
 * @example
 * ```ts
 * state.set('cart', items, { ttl: '30m' });
 * ```
 */
export interface SetOptions {
  /**
   * Time to live in EVENT time (ms or a duration such as `'30m'`): the entry reads as absent once
   * the partition's event time (the largest record timestamp seen) reaches `now + ttl`, and is
   * deleted at the next checkpoint even if its key never comes back.
   */
  ttl?: Duration;
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

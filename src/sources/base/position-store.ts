/**
 * Where sources keep their positions. `load` returns the last saved position of a source for a
 * topic; `save` resolves only once the position is durable (acknowledged by the broker).
 *
 * @example
 * ```ts
 * const at = await store.load('orders-file', 'orders');
 * await store.save('orders-file', 'orders', { bytes: 4096, records: 80 });
 * ```
 */
export interface PositionStore {
  load(source: string, topic: string): Promise<unknown>;
  save(source: string, topic: string, position: unknown): Promise<void>;
}

import type { KeyPart } from './key-codec.ts';
import type { SetOptions, State } from './state.ts';
import { StateError } from './state-error.ts';
import type { StoreView } from './state-store.ts';

/** Stored envelope: `[value]` or `[value, expiresAt]` (event-time ms). */
type Envelope = [unknown] | [unknown, number];

/**
 * {@link State} over one store view, scoped to a message key, with event-time TTL: entries whose
 * expiry is at or before `eventTime` read as absent and are deleted on that read.
 *
 * @example
 * ```ts
 * const state = new KeyedState(tx.view('default'), 'user-1', 1_700_000_000_000);
 * state.set('visits', 1, { ttl: 60_000 });
 * ```
 */
export class KeyedState implements State {
  constructor(
    private readonly view: StoreView,
    private readonly key: KeyPart,
    private readonly eventTime: number,
  ) {}

  get<V = any>(name: string, defaultValue?: V): V {
    const envelope = this.view.get([this.key, name]) as Envelope | undefined;
    if (envelope === undefined) return defaultValue as V;
    if (envelope.length === 2 && envelope[1] <= this.eventTime) {
      this.view.delete([this.key, name]);
      return defaultValue as V;
    }
    return envelope[0] as V;
  }

  set<V = unknown>(name: string, value: V, options: SetOptions = {}): void {
    if (value === undefined) throw new StateError(`State value "${name}" is undefined; use state.delete("${name}") to remove it.`);
    const { ttl } = options;
    if (ttl === undefined) {
      this.view.set([this.key, name], [value]);
      return;
    }
    if (!Number.isFinite(ttl) || ttl <= 0) throw new StateError(`State "${name}" got ttl ${ttl}; pass a positive number of milliseconds.`);
    this.view.set([this.key, name], [value, this.eventTime + ttl]);
  }

  delete(name: string): void {
    this.view.delete([this.key, name]);
  }

  has(name: string): boolean {
    const missing = Symbol('missing');
    return this.get<unknown>(name, missing) !== missing;
  }
}

import type { Duration } from '../../windows/parse-duration.ts';
import { parseDuration } from '../../windows/parse-duration.ts';
import type { KeyPart } from './key-codec.ts';
import type { SetOptions, State } from './state.ts';
import { StateError } from './state-error.ts';
import type { StoreView } from './state-store.ts';

/** Stored envelope: `[value]` or `[value, expiresAt]` (event-time ms). */
type Envelope = [unknown] | [unknown, number];

/**
 * First key part of the expiry index `[EXPIRY, expiresAt, key, name] → 1`. State keys are strings
 * (see `stateKeyOf`) and numbers sort before strings, so the index is a range of its own.
 */
const EXPIRY = 0;

/**
 * {@link State} over one store view, scoped to a message key, with event-time TTL: an entry set
 * with `ttl` reads as absent once the partition's event time (`streamTime`: the largest record
 * timestamp seen, at least the current record's) reaches its expiry, and is deleted then or by
 * {@link sweepExpired} at the next checkpoint, whichever comes first.
 *
 * @example
 * ```ts
 * const state = new KeyedState(tx.view('default'), 'user-1', 1_700_000_000_000);
 * state.set('visits', 1, { ttl: '1h' });
 * ```
 */
export class KeyedState implements State {
  constructor(
    private readonly view: StoreView,
    private readonly key: KeyPart,
    private readonly streamTime: number,
  ) {}

  get<V = any>(name: string, defaultValue?: V): V {
    const envelope = this.view.get([this.key, name]) as Envelope | undefined;
    if (envelope === undefined) return defaultValue as V;
    if (envelope.length === 2 && envelope[1] <= this.streamTime) {
      this.view.delete([this.key, name]);
      this.view.delete([EXPIRY, envelope[1], this.key, name]);
      return defaultValue as V;
    }
    return envelope[0] as V;
  }

  set<V = unknown>(name: string, value: V, options: SetOptions = {}): void {
    if (value === undefined) throw new StateError(`State value "${name}" is undefined; use state.delete("${name}") to remove it.`);
    const ttl = options.ttl === undefined ? undefined : ttlMs(name, options.ttl);
    if (ttl === undefined) {
      this.view.set([this.key, name], [value]);
      return;
    }
    const expiresAt = this.streamTime + ttl;
    this.view.set([this.key, name], [value, expiresAt]);
    this.view.set([EXPIRY, expiresAt, this.key, name], 1);
  }

  delete(name: string): void {
    this.view.delete([this.key, name]);
  }

  has(name: string): boolean {
    const missing = Symbol('missing');
    return this.get<unknown>(name, missing) !== missing;
  }
}

function ttlMs(name: string, ttl: Duration): number {
  let ms: number;
  try {
    ms = parseDuration(ttl, 'ttl');
  } catch {
    ms = NaN;
  }
  if (!(ms > 0)) throw new StateError(`State "${name}" got ttl ${JSON.stringify(ttl)}; pass a positive number of milliseconds or a duration such as "10m".`);
  return ms;
}

/**
 * Deletes the entries of a {@link KeyedState} store that expired at or before `streamTime` and
 * returns how many. Index entries of values that were overwritten or deleted since are dropped
 * without touching the value. The state manager runs it on every checkpoint, so expired state
 * goes away even for keys that never come back.
 *
 * @example
 * ```ts
 * sweepExpired(tx.view('default'), partitionStreamTime);
 * ```
 */
export function sweepExpired(view: StoreView, streamTime: number): number {
  const due: KeyPart[][] = [];
  for (const [key] of view.scan([EXPIRY])) {
    if ((key[1] as number) > streamTime) break;
    due.push(key);
  }
  let deleted = 0;
  for (const indexKey of due) {
    const [, expiresAt, key, name] = indexKey;
    view.delete(indexKey);
    const envelope = view.get([key, name]) as Envelope | undefined;
    if (envelope?.length === 2 && envelope[1] === expiresAt) {
      view.delete([key, name]);
      deleted++;
    }
  }
  return deleted;
}

import { SluiceError } from '../../errors.ts';

/**
 * A state store could not be opened, read, written or recovered. The message names the store,
 * topic and partition and says what to do.
 *
 * @example
 * ```ts
 * try { store.begin(); } catch (e) { if (e instanceof StateError) log.error(e.message); }
 * ```
 */
export class StateError extends SluiceError {}

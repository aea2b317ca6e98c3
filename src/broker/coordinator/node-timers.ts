import type { CoordinatorTimers } from './coordinator-types.ts';

/**
 * Node's timers for the coordinators, unref'd so that a pending session or transaction timeout
 * never keeps the process alive.
 *
 * @example
 * ```ts
 * const timers = options.timers ?? NODE_TIMERS;
 * ```
 */
export const NODE_TIMERS: CoordinatorTimers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

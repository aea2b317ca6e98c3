// CPU time and peak memory of a process, read from /proc (Linux).
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU seconds `pid` has used so far; NaN when it is gone.
 *
 * @example
 * ```ts
 * const before = cpuSeconds(worker.pid); // ... later: cpuSeconds(worker.pid) - before
 * ```
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return NaN;
  }
}

/**
 * Peak resident memory (VmHWM) of `pid` in MiB; NaN when it is gone.
 *
 * @example
 * ```ts
 * const peak = peakRssMb(worker.pid);
 * ```
 */
export function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

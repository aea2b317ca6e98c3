import type { CoordinatorTimers } from '../../src/broker/coordinator/coordinator-types.ts';

interface Pending {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/** A clock and timers that move only when the test calls `advance`. */
export class FakeTime implements CoordinatorTimers {
  now = 1_000_000;
  private nextId = 1;
  private pending: Pending[] = [];

  clock = (): number => this.now;

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, due: this.now + ms, callback };
    this.pending.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }

  /** Moves time forward by `ms`, firing due timers in order of due time. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (let fired = 0; fired < 10_000; fired++) {
      const next = this.pending.filter((p) => p.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (next === undefined) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.now = next.due;
      next.callback();
    }
    this.now = end;
  }

  get timerCount(): number {
    return this.pending.length;
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../logger.ts';
import type { ProducerSnapshot } from './producer-state.ts';

const SUFFIX = '.snapshot';
/** Snapshots kept per partition (the newest; older ones are deleted when a new one is written). */
const KEEP = 2;

/**
 * The producer-state snapshot files of one partition directory: `<20-digit offset>.snapshot`, the
 * JSON state of the `ProducerStateManager` as of that offset (everything before it applied). The
 * log writes one when a segment rolls and when it closes; recovery loads the newest one not past
 * the log end and replays the batches after it.
 *
 * @example
 * ```ts
 * const snapshots = new ProducerSnapshots(dir, logger, 'jokes-0');
 * snapshots.write(1200, state.toSnapshot());
 * const latest = snapshots.latest(log.logEndOffset); // { offset: 1200, snapshot }
 * ```
 */
export class ProducerSnapshots {
  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly name: string,
  ) {}

  /**
   * Writes the snapshot as of `offset` (temp file, then rename) and deletes all but the newest
   * ones. Not fsynced: a snapshot lost or torn by a power failure is detected and only costs a
   * longer replay of the log.
   */
  write(offset: number, snapshot: ProducerSnapshot): void {
    const file = this.fileOf(offset);
    const tmp = path.join(this.dir, `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify({ offset, ...snapshot }));
    fs.renameSync(tmp, file);
    const offsets = this.offsets();
    for (const old of offsets.slice(0, Math.max(0, offsets.length - KEEP))) fs.rmSync(this.fileOf(old), { force: true });
  }

  /**
   * The newest readable snapshot at or before `maxOffset`, or null. Snapshots past it (the log
   * lost its tail) and unreadable ones are deleted, with a warning for the latter.
   */
  latest(maxOffset: number): { offset: number; snapshot: ProducerSnapshot } | null {
    for (const offset of this.offsets().reverse()) {
      const file = this.fileOf(offset);
      if (offset > maxOffset) {
        fs.rmSync(file, { force: true });
        continue;
      }
      try {
        const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as ProducerSnapshot & { offset: number };
        if (parsed.version === 1 && parsed.offset === offset && Array.isArray(parsed.producers) && Array.isArray(parsed.aborted)) {
          return { offset, snapshot: parsed };
        }
      } catch {
        // fall through to the warning
      }
      this.log.warn({ partition: this.name, file }, 'producer state snapshot is unreadable; deleting it and rebuilding from the log');
      fs.rmSync(file, { force: true });
    }
    return null;
  }

  /** Deletes every snapshot (the partition's log is gone or rebuilt). */
  clear(): void {
    for (const offset of this.offsets()) fs.rmSync(this.fileOf(offset), { force: true });
  }

  private offsets(): number[] {
    const out: number[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      const m = /^(\d{20})\.snapshot$/.exec(name);
      if (m) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }

  private fileOf(offset: number): string {
    return path.join(this.dir, `${String(offset).padStart(20, '0')}${SUFFIX}`);
  }
}

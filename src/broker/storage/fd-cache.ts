import * as fs from 'node:fs';

/**
 * A small least-recently-used set of read-only file descriptors, shared by the partitions of one
 * storage so that reading old segments never holds more than `capacity` descriptors open.
 *
 * @example
 * ```ts
 * const fds = new FdCache(16);
 * fs.readSync(fds.get('/data/topics/t/0/00000000000000000000.log'), buf, 0, 61, 0);
 * fds.closeAll();
 * ```
 */
export class FdCache {
  private readonly fds = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  /** A read-only descriptor of `file`, opened if needed (closing the least recently used one). */
  get(file: string): number {
    const fd = this.fds.get(file);
    if (fd !== undefined) {
      this.fds.delete(file);
      this.fds.set(file, fd);
      return fd;
    }
    const opened = fs.openSync(file, 'r');
    this.fds.set(file, opened);
    while (this.fds.size > this.capacity) {
      const [oldest, oldFd] = this.fds.entries().next().value as [string, number];
      this.fds.delete(oldest);
      fs.closeSync(oldFd);
    }
    return opened;
  }

  /** Closes the descriptor of `file` if one is open (before the file is deleted or truncated). */
  evict(file: string): void {
    const fd = this.fds.get(file);
    if (fd === undefined) return;
    this.fds.delete(file);
    fs.closeSync(fd);
  }

  /** Number of open descriptors. */
  get size(): number {
    return this.fds.size;
  }

  closeAll(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}

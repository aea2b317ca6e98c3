import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Kept beside the group's state stores (a dot file: no topic directory has that name). */
const FILE = '.instance-id';

/**
 * The id of the app instance that keeps its state in `stateDir` for `consumerGroup`: made once and
 * kept there, so that a restarted instance (same state directory) has the same id. Exactly-once
 * processing with one transactional producer per instance names the producer with it, so the
 * restart fences what the previous run left open at once instead of after its transaction timeout.
 *
 * @example
 * ```ts
 * const id = persistentInstanceId('./state', 'word-counter'); // the same on every run
 * ```
 */
export function persistentInstanceId(stateDir: string, consumerGroup: string): string {
  const dir = join(stateDir, consumerGroup);
  const file = join(dir, FILE);
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f-]{36}$/.test(id)) return id;
  } catch {
    // not made yet
  }
  mkdirSync(dir, { recursive: true });
  const id = randomUUID();
  writeFileSync(file, id);
  return id;
}

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from './type-check.ts';

const CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'sluice', 'check');

function hashFile(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** The cache entry of a set of files: the same files, the same compiler settings and dependencies. */
function entryPath(files: readonly string[]): string {
  const key = createHash('sha256');
  for (const f of [...files].map((f) => resolve(f)).sort()) key.update(`${f}\n`);
  for (const config of ['tsconfig.json', 'package-lock.json']) key.update(hashFile(join(PROJECT_ROOT, config)) ?? 'none');
  return join(CACHE_DIR, `${key.digest('hex').slice(0, 32)}.json`);
}

/**
 * Remembers files that passed the type check, with a hash of every project file the check read
 * (the files and their local imports, tsconfig.json and package-lock.json), in
 * node_modules/.cache/sluice/check. An unchanged file is known clean without loading TypeScript.
 *
 * @example
 * ```ts
 * if (!isKnownClean(files)) { const { errors, sources } = await typeCheck(files); if (errors.length === 0) rememberClean(files, sources); }
 * ```
 */
export function isKnownClean(files: readonly string[]): boolean {
  let recorded: Record<string, string>;
  try {
    recorded = (JSON.parse(readFileSync(entryPath(files), 'utf8')) as { sources: Record<string, string> }).sources;
  } catch {
    return false;
  }
  return Object.entries(recorded).every(([path, hash]) => hashFile(path) === hash);
}

/** Records that `files` passed, with the hashes of `sources` (what the check read). Never throws: a cache that cannot be written only costs a re-check. */
export function rememberClean(files: readonly string[], sources: readonly string[]): void {
  try {
    const entry = { sources: Object.fromEntries(sources.map((s) => [s, hashFile(s) ?? 'missing'])) };
    mkdirSync(CACHE_DIR, { recursive: true });
    const path = entryPath(files);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(entry));
    renameSync(temporary, path);
  } catch {
    // read-only checkout: the next run checks again
  }
}

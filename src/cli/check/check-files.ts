import { existsSync, statSync } from 'node:fs';
import { CliError } from '../cli-error.ts';
import { isKnownClean, rememberClean } from './check-cache.ts';
import { typeCheck } from './type-check.ts';

/**
 * Type-checks app files unless the cache knows them clean (unchanged since they last passed);
 * resolves with the errors, empty when they pass. Missing files are a CliError.
 *
 * @example
 * ```ts
 * const errors = await checkFiles(['apps/word-counter.ts']);
 * ```
 */
export async function checkFiles(files: readonly string[]): Promise<string[]> {
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`No such file: ${file}`);
  }
  if (isKnownClean(files)) return [];
  const { errors, sources } = await typeCheck(files);
  if (errors.length === 0) rememberClean(files, sources);
  return errors;
}

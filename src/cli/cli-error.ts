import { SluiceError } from '../errors.ts';

/**
 * A CLI command could not do what was asked (missing file, unreachable broker, bad input). The CLI
 * prints its message without a stack trace and exits with `exitCode`.
 *
 * @example
 * ```ts
 * throw new CliError('No such app file: apps/nope.ts — try `ls apps/`');
 * ```
 */
export class CliError extends SluiceError {
  /** Process exit code the CLI ends with. */
  readonly exitCode: number;

  constructor(message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

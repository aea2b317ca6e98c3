import type { Argv, CommandModule } from 'yargs';
import { CliError } from './cli-error.ts';
import { checkFiles } from './check/check-files.ts';
import { helpExamples } from './help-examples.ts';

interface CheckArgs {
  files: string[];
}

/**
 * Prints type errors as tsc does and throws a CliError (exit 1) that counts them.
 *
 * @example
 * ```ts
 * reportTypeErrors(await checkFiles(['app.ts']), 'Fix them, or run with --no-check');
 * ```
 */
export function reportTypeErrors(errors: readonly string[], advice: string): void {
  if (errors.length === 0) return;
  for (const error of errors) console.error(error);
  throw new CliError(`${errors.length} type error${errors.length > 1 ? 's' : ''} — ${advice}`);
}

/** `sluice check FILE...` */
export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <files..>',
  describe: "Type-check app files with the project's compiler settings, wherever they are",
  builder: (yargs: Argv) =>
    yargs.positional('files', { type: 'string', array: true, demandOption: true, describe: 'App files (.ts)' }).example(
      helpExamples([
        ['$0 check apps/word-counter.ts', 'Errors as tsc prints them; exit 1 when there are any'],
        ['$0 check ~/pipelines/*.ts', 'Files outside the project'],
      ]),
    ) as unknown as Argv<CheckArgs>,
  handler: async (argv) => {
    const files = argv.files.map(String);
    reportTypeErrors(await checkFiles(files), 'fix them and check again');
    console.log(`No type errors in ${files.length} file${files.length > 1 ? 's' : ''}`);
  },
};

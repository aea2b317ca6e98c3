import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../cli-error.ts';

/** The sluice project: its tsconfig.json holds the compiler settings apps are checked with. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A path as tsc shows it: relative to the working directory, absolute when it lies outside. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/**
 * What {@link typeCheck} found: the errors in the files asked about, as tsc prints them, and every
 * project file the check read (the files and what they import, outside node_modules).
 *
 * @example
 * ```ts
 * const result: TypeCheckResult = { errors: ["app.ts:7:60 - error TS2551: Property 'txt' does not exist on type 'Joke'."], sources: ['/work/app.ts'] };
 * ```
 */
export interface TypeCheckResult {
  errors: string[];
  sources: string[];
}

/**
 * Type-checks `files` with the compiler options of the project's tsconfig.json, wherever the
 * files are (they need not be in the tsconfig's `include`). Only errors in these files are
 * reported, formatted as tsc does (`file:line:col - error TSnnnn: message`, paths relative to the
 * working directory). Loads the TypeScript compiler on first use (a second or more).
 *
 * @example
 * ```ts
 * const { errors } = await typeCheck(['apps/word-counter.ts']);
 * if (errors.length > 0) console.error(errors.join('\n'));
 * ```
 */
export async function typeCheck(files: readonly string[]): Promise<TypeCheckResult> {
  const ts = (await import('typescript')).default;
  const configPath = resolve(PROJECT_ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new CliError(`Cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(config.error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, PROJECT_ROOT, { noEmit: true }, configPath);
  const roots = files.map((f) => resolve(f));
  const program = ts.createProgram({ rootNames: roots, options: parsed.options });
  const errors: string[] = [];
  for (const root of roots) {
    const source = program.getSourceFile(root);
    if (!source) throw new CliError(`TypeScript could not read ${root}`);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const d of diagnostics) {
      if (d.category !== ts.DiagnosticCategory.Error) continue;
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const file = shownPath(d.file?.fileName ?? root);
      errors.push(`${file}${where ? `:${where.line + 1}:${where.character + 1}` : ''} - error TS${d.code}: ${text}`);
    }
  }
  const sources = program
    .getSourceFiles()
    .map((s) => s.fileName)
    .filter((name) => !name.includes('/node_modules/'));
  return { errors, sources };
}

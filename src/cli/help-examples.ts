/**
 * The width help text is wrapped at: the terminal's, at most 110 columns (100 when not a terminal).
 *
 * @example
 * ```ts
 * yargs.wrap(helpWidth());
 * ```
 */
export function helpWidth(): number {
  return Math.min(110, process.stdout.columns || 100);
}

/**
 * Lays out a command's help examples so that no command line wraps in the middle: side by side
 * with their descriptions when every command fits in yargs' left column (half the help width),
 * otherwise each command on a line of its own below its description as a shell comment.
 * Pass the result to yargs' `.example()`.
 *
 * @example
 * ```ts
 * yargs.example(helpExamples([['$0 consume words --from-beginning', 'Every record of words']]));
 * ```
 */
export function helpExamples(examples: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  const half = Math.floor(helpWidth() / 2);
  // yargs gives example commands at most half the width, 4 columns of it padding, and wraps longer ones
  const fits = examples.every(([command]) => command.replace('$0', 'sluice').length + 4 <= half);
  return examples.flatMap(([command, description]): Array<[string, string]> =>
    fits ? [[command, description]] : [[`# ${description}`, ''], [command, '']],
  );
}

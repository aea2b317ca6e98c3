import { CliError } from './cli-error.ts';

/**
 * The one topic a command works on, given as a positional argument or as Kafka's `--topic T`
 * (yargs puts both under the same name). Missing, empty or given twice is a CliError.
 *
 * @example
 * ```ts
 * topicArgument(argv.topic, 'consume'); // 'words'
 * ```
 */
export function topicArgument(value: unknown, command: string): string {
  const values = (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined).map(String);
  if (values.length === 0 || values[0] === '') throw new CliError(`Name the topic: sluice ${command} TOPIC (or --topic TOPIC)`);
  if (new Set(values).size > 1) throw new CliError(`One topic at a time: got ${values.join(' and ')}`);
  return values[0]!;
}

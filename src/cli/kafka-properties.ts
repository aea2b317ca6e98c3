import { CliError } from './cli-error.ts';

/**
 * Parses repeated `--property key=value` flags (as Kafka's console tools take them) into a map,
 * checking each key against `known`. The value is everything after the first `=`, so
 * `key.separator==` sets the separator to `=`. An unknown key or a flag without `=` is a CliError
 * that lists the keys the command understands.
 *
 * @example
 * ```ts
 * parseProperties(['print.key=true', 'key.separator=:'], ['print.key', 'key.separator'], 'consume');
 * // Map { 'print.key' => 'true', 'key.separator' => ':' }
 * ```
 */
export function parseProperties(flags: readonly string[] | string | undefined, known: readonly string[], command: string): Map<string, string> {
  const list = flags === undefined ? [] : Array.isArray(flags) ? flags : [flags];
  const properties = new Map<string, string>();
  for (const flag of list) {
    const at = String(flag).indexOf('=');
    if (at <= 0) throw new CliError(`--property ${flag}: expected key=value, e.g. --property ${known[0]}=true`);
    const key = String(flag).slice(0, at).trim();
    if (!known.includes(key)) throw new CliError(`--property ${key} is not a property of sluice ${command}; it knows ${known.join(', ')}`);
    properties.set(key, String(flag).slice(at + 1));
  }
  return properties;
}

/**
 * A boolean property as Kafka reads it: true only when the value is `true` (any case, trimmed);
 * `fallback` when the property is absent.
 *
 * @example
 * ```ts
 * booleanProperty(new Map([['print.key', 'TRUE']]), 'print.key', false); // true
 * ```
 */
export function booleanProperty(properties: ReadonlyMap<string, string>, key: string, fallback: boolean): boolean {
  const value = properties.get(key);
  return value === undefined ? fallback : value.trim().toLowerCase() === 'true';
}

import { booleanProperty } from '../kafka-properties.ts';
import { CliError } from '../cli-error.ts';

/** The `--property` keys {@link lineRecordReader} understands (those of Kafka's console producer LineMessageReader). */
export const READER_PROPERTIES = [
  'parse.key',
  'key.separator',
  'parse.headers',
  'headers.delimiter',
  'headers.separator',
  'headers.key.separator',
  'null.marker',
  'ignore.error',
] as const;

/**
 * A record read from one input line: UTF-8 text, null where the line had the null marker.
 *
 * @example
 * ```ts
 * const r: LineRecord = { key: 'k1', value: '{"a":1}', headers: [['source', 'cli']] };
 * ```
 */
export interface LineRecord {
  key: string | null;
  value: string | null;
  headers: Array<[string, string]>;
}

/**
 * Turns one input line (and its 1-based number) into a record; throws a CliError for a line that
 * lacks a separator it must have.
 *
 * @example
 * ```ts
 * const read: LineReader = lineRecordReader(new Map([['parse.key', 'true'], ['key.separator', ':']]));
 * read('k:v', 1); // { key: 'k', value: 'v', headers: [] }
 * ```
 */
export type LineReader = (line: string, lineNumber: number) => LineRecord;

/**
 * Reads lines as Kafka 3.9's console producer does with the same `--property` settings:
 * with `parse.headers=true` the text before the first `headers.delimiter` (default a tab) holds
 * headers `name:value` joined by `headers.separator` (default `,`; `headers.key.separator` default
 * `:`); with `parse.key=true` the text before the next `key.separator` (default a tab) is the key;
 * the rest is the value. A line without a separator it needs is an error (Kafka's wording), or with
 * `ignore.error=true` that part is left out. A key or value equal to `null.marker` is null.
 *
 * @example
 * ```ts
 * const read = lineRecordReader(new Map([['parse.headers', 'true'], ['parse.key', 'true']]));
 * read('src:cli,v:2\tk1\thello', 1); // { key: 'k1', value: 'hello', headers: [['src', 'cli'], ['v', '2']] }
 * ```
 */
export function lineRecordReader(properties: ReadonlyMap<string, string>): LineReader {
  const parseKey = booleanProperty(properties, 'parse.key', false);
  const parseHeaders = booleanProperty(properties, 'parse.headers', false);
  const ignoreError = booleanProperty(properties, 'ignore.error', false);
  const keySeparator = properties.get('key.separator') ?? '\t';
  const headersDelimiter = properties.get('headers.delimiter') ?? '\t';
  const headersSeparator = properties.get('headers.separator') ?? ',';
  const headersKeySeparator = properties.get('headers.key.separator') ?? ':';
  const nullMarker = properties.get('null.marker');
  const distinct: Array<[string, string, string, string]> = [
    ['headers.delimiter', headersDelimiter, 'headers.separator', headersSeparator],
    ['headers.delimiter', headersDelimiter, 'headers.key.separator', headersKeySeparator],
    ['headers.separator', headersSeparator, 'headers.key.separator', headersKeySeparator],
  ];
  if (nullMarker !== undefined) {
    distinct.push(['null.marker', nullMarker, 'key.separator', keySeparator], ['null.marker', nullMarker, 'headers.separator', headersSeparator]);
    distinct.push(['null.marker', nullMarker, 'headers.delimiter', headersDelimiter], ['null.marker', nullMarker, 'headers.key.separator', headersKeySeparator]);
  }
  for (const [a, av, b, bv] of distinct) if (av === bv) throw new CliError(`--property ${a} and ${b} may not be equal (both '${av}')`);
  if (keySeparator === '') throw new CliError('--property key.separator may not be empty');
  const orNull = (text: string): string | null => (text === nullMarker ? null : text);

  /** The text from `start` up to `separator`, or null (parsing off, or missing with ignore.error). */
  const upTo = (enabled: boolean, line: string, start: number, separator: string, name: string, lineNumber: number): string | null => {
    if (!enabled) return null;
    const at = line.indexOf(separator, start);
    if (at >= 0) return line.slice(start, at);
    if (ignoreError) return null;
    throw new CliError(`No ${name} found on line number ${lineNumber}: '${line}'`);
  };

  const splitHeaders = (text: string, lineNumber: number): Array<[string, string]> =>
    text.split(headersSeparator).map((pair): [string, string] => {
      const at = pair.indexOf(headersKeySeparator);
      if (at < 0) {
        if (ignoreError) return [pair, ''];
        throw new CliError(`No header key separator found in pair '${pair}' on line number ${lineNumber}`);
      }
      const name = pair.slice(0, at);
      if (name === nullMarker) throw new CliError(`Header keys should not be equal to the null marker '${nullMarker}' as they can't be null (line number ${lineNumber})`);
      const value = pair.slice(at + headersKeySeparator.length);
      if (value === nullMarker) throw new CliError(`Header '${name}' on line number ${lineNumber} has the null marker as value; sluice produce does not send null header values`);
      return [name, value];
    });

  return (line, lineNumber) => {
    const headers = upTo(parseHeaders, line, 0, headersDelimiter, 'headers delimiter', lineNumber);
    const keyStart = headers === null ? 0 : headers.length + headersDelimiter.length;
    const key = upTo(parseKey, line, keyStart, keySeparator, 'key separator', lineNumber);
    const valueStart = keyStart + (key === null ? 0 : key.length + keySeparator.length);
    return {
      key: key === null ? null : orNull(key),
      value: orNull(line.slice(valueStart)),
      headers: headers === null || headers === nullMarker ? [] : splitHeaders(headers, lineNumber),
    };
  };
}

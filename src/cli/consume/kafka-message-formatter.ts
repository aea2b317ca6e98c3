import { booleanProperty } from '../kafka-properties.ts';
import type { PrintableRecord, RecordFormatter } from './printable-record.ts';

/** The `--property` keys {@link kafkaMessageFormatter} understands (those of Kafka's DefaultMessageFormatter). */
export const FORMATTER_PROPERTIES = [
  'print.timestamp',
  'print.key',
  'print.offset',
  'print.partition',
  'print.headers',
  'print.value',
  'key.separator',
  'line.separator',
  'headers.separator',
  'null.literal',
] as const;

/**
 * A formatter that prints records the way Kafka 3.9's console consumer does with its default
 * formatter and the same `--property` settings: the fields switched on, in the order
 * `CreateTime:<ms>`, `Partition:<p>`, `Offset:<o>`, headers (`name:value` joined by
 * `headers.separator`, or `NO_HEADERS`), key, value, each followed by `key.separator` (default a
 * tab) while more fields follow and by `line.separator` (default a newline) after the last; null
 * keys, values and header values print as `null.literal` (default `null`).
 *
 * @example
 * ```ts
 * const format = kafkaMessageFormatter(new Map([['print.timestamp', 'true'], ['print.partition', 'true'], ['print.offset', 'true'], ['print.key', 'true']]));
 * format(record).toString(); // "CreateTime:1700000000000\tPartition:0\tOffset:3\tkey\tvalue\n"
 * ```
 */
export function kafkaMessageFormatter(properties: ReadonlyMap<string, string>): RecordFormatter {
  const printTimestamp = booleanProperty(properties, 'print.timestamp', false);
  const printPartition = booleanProperty(properties, 'print.partition', false);
  const printOffset = booleanProperty(properties, 'print.offset', false);
  const printHeaders = booleanProperty(properties, 'print.headers', false);
  const printKey = booleanProperty(properties, 'print.key', false);
  const printValue = booleanProperty(properties, 'print.value', true);
  const keySeparator = Buffer.from(properties.get('key.separator') ?? '\t');
  const lineSeparator = Buffer.from(properties.get('line.separator') ?? '\n');
  const headersSeparator = Buffer.from(properties.get('headers.separator') ?? ',');
  const nullLiteral = Buffer.from(properties.get('null.literal') ?? 'null');
  // Whether a field is followed by another one: Kafka ends each field with the column separator
  // when a later field is on, with the line separator otherwise.
  const after = (...later: boolean[]): Buffer => (later.some(Boolean) ? keySeparator : lineSeparator);
  const afterTimestamp = after(printPartition, printOffset, printHeaders, printKey, printValue);
  const afterPartition = after(printOffset, printHeaders, printKey, printValue);
  const afterOffset = after(printHeaders, printKey, printValue);
  const afterHeaders = after(printKey, printValue);
  const afterKey = after(printValue);

  return (record: PrintableRecord): Buffer => {
    const parts: Buffer[] = [];
    if (printTimestamp) parts.push(Buffer.from(`${record.timestampType}:${record.timestamp}`), afterTimestamp);
    if (printPartition) parts.push(Buffer.from(`Partition:${record.partition}`), afterPartition);
    if (printOffset) parts.push(Buffer.from(`Offset:${record.offset}`), afterOffset);
    if (printHeaders) {
      if (record.headers.length === 0) parts.push(Buffer.from('NO_HEADERS'));
      record.headers.forEach(([name, value], i) => {
        if (i > 0) parts.push(headersSeparator);
        parts.push(Buffer.from(`${name}:`), value ?? nullLiteral);
      });
      parts.push(afterHeaders);
    }
    if (printKey) parts.push(record.key ?? nullLiteral, afterKey);
    if (printValue) parts.push(record.value ?? nullLiteral, lineSeparator);
    return Buffer.concat(parts);
  };
}

import { CliError } from '../cli-error.ts';
import type { PrintableRecord, RecordFormatter } from './printable-record.ts';

type Token = Buffer | ((record: PrintableRecord) => Buffer);

const FIELDS: Record<string, (r: PrintableRecord) => Buffer> = {
  t: (r) => Buffer.from(r.topic),
  p: (r) => Buffer.from(String(r.partition)),
  o: (r) => Buffer.from(r.offset),
  T: (r) => Buffer.from(r.timestamp),
  k: (r) => r.key ?? Buffer.alloc(0),
  K: (r) => Buffer.from(String(r.key?.length ?? -1)),
  s: (r) => r.value ?? Buffer.alloc(0),
  S: (r) => Buffer.from(String(r.value?.length ?? -1)),
  R: (r) => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(r.value?.length ?? -1);
    return length;
  },
  h: (r) => Buffer.from(r.headers.map(([name, value]) => `${name}=${value === null ? 'NULL' : value.toString('utf8')}`).join(',')),
  '%': () => Buffer.from('%'),
};

/** Replaces `\n`, `\t`, `\r`, `\\` and `\xHH` in literal text of a format string. */
function unescape(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, c: string) => {
    if (c.startsWith('x') && c.length === 3) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
  });
}

/**
 * A formatter from a kcat `-f` format string: `%t` topic, `%p` partition, `%o` offset, `%T`
 * timestamp (ms), `%k` key, `%K` key length, `%s` value, `%S` value length (-1 for null), `%R` value
 * length as a 32-bit big-endian integer, `%h` headers as `name=value,...`, `%%` a percent sign;
 * `\n`, `\t`, `\r` and `\xHH` in the text. Null keys and values print as nothing, as kcat does.
 * Nothing is added after a record: end the format with `\n` for one line per record.
 *
 * @example
 * ```ts
 * const format = kcatFormatter('%t[%p]@%o %k=%s\\n');
 * format(record).toString(); // "words[0]@3 k=v\n"
 * ```
 */
export function kcatFormatter(format: string): RecordFormatter {
  const tokens: Token[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i += 1) {
    const c = format[i]!;
    if (c !== '%') {
      literal += c;
      continue;
    }
    const field = FIELDS[format[i + 1] ?? ''];
    if (field === undefined) {
      const what = i + 1 < format.length ? `%${format[i + 1]}` : 'a % at the end';
      throw new CliError(`--format "${format}": ${what} is not a field; use %t %p %o %T %k %K %s %S %R %h or %%`);
    }
    if (literal) tokens.push(Buffer.from(unescape(literal)));
    literal = '';
    tokens.push(field);
    i += 1;
  }
  if (literal) tokens.push(Buffer.from(unescape(literal)));
  return (record) => Buffer.concat(tokens.map((t) => (Buffer.isBuffer(t) ? t : t(record))));
}

import { ConfigError } from '../errors.ts';

/** A duration: milliseconds, or a string such as `'500ms'`, `'10s'`, `'1m'`, `'1h'`, `'1d'`, `'1m30s'`. */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Converts a {@link Duration} to milliseconds, throwing a {@link ConfigError} that names the
 * option when the value is negative, not finite, or not in the accepted string form.
 *
 * @example
 * ```ts
 * parseDuration('1m');            // 60000
 * parseDuration('1m30s');         // 90000
 * parseDuration(250);             // 250
 * parseDuration('10x', 'grace');  // throws ConfigError naming "grace"
 * ```
 */
export function parseDuration(value: Duration, option = 'duration'): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (WHOLE.test(text)) {
      let total = 0;
      for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
      return total;
    }
  }
  throw new ConfigError(
    `Option "${option}" has invalid duration ${JSON.stringify(value)}; pass milliseconds (e.g. 60000) or a string like "500ms", "10s", "1m", "1h", "1d".`,
  );
}

/**
 * Like {@link parseDuration} but requires a value greater than zero.
 *
 * @example
 * ```ts
 * parsePositiveDuration('1m', 'duration'); // 60000
 * ```
 */
export function parsePositiveDuration(value: Duration, option: string): number {
  const ms = parseDuration(value, option);
  if (ms <= 0) throw new ConfigError(`Option "${option}" is ${JSON.stringify(value)}; it must be greater than zero.`);
  return ms;
}

import { CliError } from '../cli-error.ts';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DURATION = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{1,9}))?S)?)?$/i;

/**
 * Parses `--to-datetime` as Kafka does: `YYYY-MM-DDTHH:mm:SS.sss`, optionally followed by `Z`,
 * `+hh`, `+hhmm` or `+hh:mm`; without a zone the time is UTC. Returns epoch milliseconds.
 *
 * @example
 * ```ts
 * parseResetDatetime('2026-12-01T08:00:00.000'); // 1796112000000
 * parseResetDatetime('2026-12-01T09:00:00.000+01:00'); // the same instant
 * ```
 */
export function parseResetDatetime(text: string): number {
  const m = DATETIME.exec(text);
  const fail = (): never => {
    throw new CliError(`--to-datetime '${text}' is not a date-time of the form YYYY-MM-DDTHH:mm:SS.sss (optionally with Z or +hh:mm), e.g. 2026-12-01T08:00:00.000`);
  };
  if (!m) return fail();
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms));
  const back = new Date(utc);
  // Kafka parses strictly: 2026-02-30 is an error, not March 2nd.
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return fail();
  if (zone === undefined || zone === 'Z') return utc;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return utc - (zone[0] === '-' ? -1 : 1) * offsetMinutes * 60_000;
}

/**
 * Parses `--by-duration` as Java's `Duration.parse` does (`PnDTnHnMnS`, e.g. `PT30M`, `P1DT2H`,
 * `PT0.5S`; signs allowed) and returns the length in milliseconds.
 *
 * @example
 * ```ts
 * parseResetDuration('PT1H30M'); // 5400000
 * ```
 */
export function parseResetDuration(text: string): number {
  const m = DURATION.exec(text);
  const hasPart = m !== null && m.slice(2, 6).some((p) => p !== undefined);
  if (!m || !hasPart || /T$/i.test(text)) {
    throw new CliError(`--by-duration '${text}' is not an ISO-8601 duration of the form PnDTnHnMnS, e.g. PT30M (30 minutes) or P1DT2H (1 day 2 hours)`);
  }
  const [, sign, days, hours, minutes, seconds, fraction] = m;
  const secs = Number(seconds ?? 0);
  const fractionMs = fraction === undefined ? 0 : Math.trunc(Number(`0.${fraction}`) * 1000) * (seconds?.startsWith('-') ? -1 : 1);
  const ms = ((Number(days ?? 0) * 24 + Number(hours ?? 0)) * 60 + Number(minutes ?? 0)) * 60_000 + secs * 1000 + fractionMs;
  return sign === '-' ? -ms : ms;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const PINO_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/**
 * A component's output line for the console: a pino JSON log line becomes `WARN message k=v ...`
 * (the log file keeps the JSON); any other line stays as it is.
 *
 * @example
 * ```ts
 * formatLogLine('{"level":40,"time":1,"msg":"low stock","product_id":"p1"}'); // 'WARN low stock product_id=p1'
 * ```
 */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{"level":')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = LEVELS[entry.level as number] ?? String(entry.level);
  const rest = Object.entries(entry)
    .filter(([k]) => !PINO_FIELDS.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [level, String(entry.msg ?? ''), ...rest].join(' ');
}

import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Log levels accepted by `logLevel` options. */
export type LogLevel = LevelWithSilent;

/**
 * Creates a pino logger. In a TTY the lines are prettified; elsewhere they are JSON, one per line.
 * The level comes from the argument, else `SLUICE_LOG_LEVEL`, else `info`.
 *
 * @example
 * ```ts
 * const log = createLogger('broker', 'debug');
 * log.info({ topic: 'jokes' }, 'topic created');
 * ```
 */
export function createLogger(name: string, level?: LogLevel): Logger {
  const resolved = level ?? (process.env.SLUICE_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const pretty = process.stdout.isTTY && process.env.SLUICE_LOG_FORMAT !== 'json';
  return pino({
    name,
    level: resolved,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}

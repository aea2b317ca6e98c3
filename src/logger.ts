import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Log levels accepted by `logLevel` options. */
export type LogLevel = LevelWithSilent;

/**
 * pino's error serializer, keeping the error's own message: pino appends the message of every
 * cause to it, which repeats the cause for sluice errors (their messages already say what failed
 * underneath). The causes stay in `stack` ("caused by: ...").
 */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error);
  if (error instanceof Error && serialized && typeof serialized === 'object') serialized.message = error.message;
  return serialized;
}

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
    serializers: { err: serializeError },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}

/**
 * The base of every error sluice throws. Each error names the thing it is about (topic, partition,
 * offset, option) and says what to do; `retriable` tells whether trying again may succeed.
 *
 * @example
 * ```ts
 * try { await app.run(); } catch (e) { if (e instanceof SluiceError && e.retriable) { ... } }
 * ```
 */
export class SluiceError extends Error {
  /** Whether repeating the operation may succeed (a broker that is restarting, a rebalance). */
  readonly retriable: boolean;

  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** An option passed to a constructor or a CLI command is unknown, missing or of the wrong type. */
export class ConfigError extends SluiceError {}

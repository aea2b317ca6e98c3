import { SluiceError } from '../../errors.ts';

/**
 * A sink could not write. The message names the sink, the topic-partition and how many rows, what
 * went wrong and what to check (the server, the table, the disk). Nothing of the batch was
 * committed: once the cause is fixed, a restart writes it. `retriable` false means trying again
 * cannot help (a missing table, a row the target refuses): the sink fails at once.
 *
 * @example
 * ```ts
 * try { await app.run(); } catch (e) { if (e instanceof SinkError) console.error(e.sink, e.message); }
 * ```
 */
export class SinkError extends SluiceError {
  /** The name of the sink that failed. */
  readonly sink: string;

  constructor(sink: string, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options);
    this.sink = sink;
  }
}

import { SluiceError } from '../../errors.ts';

/**
 * A source could not read its input or deliver what it read. The message names the source (and
 * the file and line, or the topic) and says what to do; what was delivered before stays
 * delivered, and a resumable source starts again at the first message that was not.
 *
 * @example
 * ```ts
 * try { await app.run(); } catch (e) { if (e instanceof SourceError) console.error(e.message); }
 * ```
 */
export class SourceError extends SluiceError {}

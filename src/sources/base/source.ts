import type { Logger } from 'pino';
import type { ProduceMessage } from '../../kafka/sluice-producer.ts';
import type { Topic } from '../../topics/topic.ts';

/**
 * What a running {@link Source} can do: produce to its topic, say where it is, wait when the
 * producer is behind, and learn that the app is stopping. The app makes one per source run.
 *
 * The checkpoint contract: a position passed to `setPosition` is stored only after every message
 * produced before the call is acknowledged by the broker, and only then does the stored position
 * advance. So after a crash the source resumes at or before the first message that was not
 * delivered (at-least-once: the messages between the last stored position and the crash are
 * produced again).
 *
 * @example
 * ```ts
 * async run(ctx: SourceContext<Reading, string, number>) {
 *   for (let line = ctx.position ?? 0; line < lines.length && !ctx.signal.aborted; line++) {
 *     if (!ctx.produce({ key: lines[line].sensor, value: lines[line] })) await ctx.drain();
 *     ctx.setPosition(line + 1);
 *   }
 * }
 * ```
 */
export interface SourceContext<V, K = string, P = unknown> {
  /** The topic this run produces to. */
  readonly topic: Topic<V, K>;
  /** The position stored by the last run that set one (for this source and topic), else undefined. */
  readonly position: P | undefined;
  /** Aborted when the app stops: finish the message at hand and return from `run`. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /**
   * Serializes and queues a message for the topic (synchronous). Returns false once enough
   * messages wait for acknowledgement that the source should `await ctx.drain()` before more.
   */
  produce(message: ProduceMessage<V, K>): boolean;
  /** Resolves when every message produced so far is acknowledged; rejects if a send failed. */
  drain(): Promise<void>;
  /** Records that the messages produced so far bring the source to `position` (see the checkpoint contract). */
  setPosition(position: P): void;
  /** Progress for the progress bar: `done` of `total` (messages, or bytes with `unit: 'bytes'`). */
  progress(done: number, total: number, unit?: 'messages' | 'bytes'): void;
  /** Resolves after `ms`, or at once when the app stops. */
  sleep(ms: number): Promise<void>;
}

/**
 * Something that feeds a topic: a file, a generator, an external system. The app runs it with
 * `app.dataframe(source)` (and processes what it produces) or `app.addSource(source, topic)`.
 * `run` produces through the context until it has nothing more (a finite source) or until
 * `ctx.signal` aborts, and rejects with a {@link SourceError} when it cannot go on. A source keeps
 * no Kafka client of its own and never commits by itself: the app checkpoints it.
 *
 * @example
 * ```ts
 * const ticks: Source<{ n: number }> = {
 *   name: 'ticks',
 *   async run(ctx) {
 *     for (let n = 0; !ctx.signal.aborted; n++) {
 *       ctx.produce({ key: String(n), value: { n } });
 *       await ctx.sleep(1000);
 *     }
 *   },
 * };
 * app.dataframe(ticks).print();
 * ```
 */
export interface Source<V, K = string, P = unknown> {
  /**
   * The source's identity: its default topic's name and the key of its stored position. Letters,
   * digits, `.`, `_` and `-`.
   */
  readonly name: string;
  /** Whether its position is stored and handed back on the next run; default false. */
  readonly resumable?: boolean;
  run(ctx: SourceContext<V, K, P>): Promise<void>;
}

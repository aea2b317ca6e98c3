import { SluiceError } from '../errors.ts';

/**
 * The topics on the broker do not fit the app: an internal topic (changelog, repartition) has
 * fewer partitions than the topic it follows, or a topic has more partitions than the pipeline was
 * built for. Starting anyway would lose or misplace state, so the app refuses to start.
 *
 * @example
 * ```ts
 * try { await app.run(); } catch (e) { if (e instanceof TopicLayoutError) console.error(e.topic, e.message); }
 * ```
 */
export class TopicLayoutError extends SluiceError {
  constructor(
    readonly topic: string,
    message: string,
  ) {
    super(message);
  }
}

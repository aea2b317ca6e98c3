import type { Logger } from 'pino';
import { ConfigError } from '../errors.ts';
import type { SluiceProducer } from '../kafka/sluice-producer.ts';
import type { ChangelogReader } from '../state/state-manager.ts';
import type { Topic } from '../topics/topic.ts';
import type { Source } from './base/source.ts';
import { SourceRunner, type SourceRunResult } from './source-runner.ts';
import { sourcePositionTopic, TopicPositionStore } from './topic-position-store.ts';

/** What {@link SourceSet.start} needs from the app. */
export interface SourceSetStart {
  /** A producer for the sources alone (a failed send must not poison the pipeline's producer). */
  producer: Pick<SluiceProducer, 'produce' | 'flush'>;
  /** Reads the position topics back. */
  reader: ChangelogReader;
  logger: Logger;
  checkpointInterval: number;
  /** Called once when a source fails (the app stops with that error). */
  onError: (error: Error) => void;
}

/**
 * The sources an Application runs, each bound to the topic it feeds. `topics()` lists what the app
 * must create (the destination topics and the position topics of resumable sources); `start` runs
 * every source at once and `stop` asks them all to finish.
 *
 * @example
 * ```ts
 * const sources = new SourceSet();
 * sources.add(new GeneratorSource({ name: 'ticks', count: 10, generate: (i) => ({ value: i }) }), app.topic('ticks'));
 * const running = sources.start({ producer, reader, logger, checkpointInterval: 5000, onError: (e) => void app.stop() });
 * await running;
 * ```
 */
export class SourceSet {
  private readonly bindings: { source: Source<any, any, any>; topic: Topic<any, any> }[] = [];
  private runners: SourceRunner<any, any>[] = [];

  /** How many sources were added. */
  get size(): number {
    return this.bindings.length;
  }

  /**
   * Binds `source` to `topic`. A source name may be added once (it is the key of its position).
   *
   * @example
   * ```ts
   * sources.add(fileSource, app.topic('orders'));
   * ```
   */
  add<V, K>(source: Source<V, K, any>, topic: Topic<V, K>): void {
    if (this.bindings.some((b) => b.source.name === source.name)) {
      throw new ConfigError(`a source named '${source.name}' was already added; give each source its own name (it keys the source's stored position)`);
    }
    this.bindings.push({ source, topic });
  }

  /**
   * The topics the sources need: their destinations and the position topics of resumable ones.
   *
   * @example
   * ```ts
   * for (const t of sources.topics()) app.topics.register(t);
   * ```
   */
  topics(): Topic<any, any>[] {
    return this.bindings.flatMap(({ source, topic }) => (source.resumable ? [topic, sourcePositionTopic(source.name)] : [topic]));
  }

  /**
   * Runs every source; resolves when all have finished or were stopped, with what each produced.
   * The first failure is reported through `onError`, and the promise then rejects with it.
   *
   * @example
   * ```ts
   * const results = await sources.start({ producer, reader, logger, checkpointInterval: 5000, onError });
   * ```
   */
  async start(o: SourceSetStart): Promise<SourceRunResult[]> {
    const positions = new TopicPositionStore({ producer: o.producer, reader: o.reader });
    this.runners = this.bindings.map(
      ({ source, topic }) => new SourceRunner({ source, topic, producer: o.producer, positions, logger: o.logger, checkpointInterval: o.checkpointInterval }),
    );
    let failed: Error | undefined;
    const results = await Promise.all(
      this.runners.map((r) =>
        r.run().catch((e: Error) => {
          if (!failed) {
            failed = e;
            this.stop();
            o.onError(e);
          }
          return { produced: 0 };
        }),
      ),
    );
    if (failed) throw failed;
    return results;
  }

  /**
   * Asks every running source to stop (each stores its final checkpoint).
   *
   * @example
   * ```ts
   * sources.stop();
   * ```
   */
  stop(): void {
    for (const r of this.runners) r.stop();
  }
}

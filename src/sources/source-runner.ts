import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { ProduceMessage, SluiceProducer } from '../kafka/sluice-producer.ts';
import type { Topic } from '../topics/topic.ts';
import type { PositionStore } from './base/position-store.ts';
import type { Source, SourceContext } from './base/source.ts';
import { SourceError } from './base/source-error.ts';

/** Messages produced but not yet acknowledged before `ctx.produce` asks the source to drain. */
export const MAX_UNACKNOWLEDGED = 5000;
const PROGRESS_REFRESH_MS = 200;

/**
 * Options of a {@link SourceRunner}.
 *
 * @example
 * ```ts
 * const opts: SourceRunnerOptions<Order> = { source, topic, producer, positions, logger, checkpointInterval: 5000 };
 * ```
 */
export interface SourceRunnerOptions<V, K> {
  source: Source<V, K, any>;
  topic: Topic<V, K>;
  producer: Pick<SluiceProducer, 'produce' | 'flush'>;
  /** Where a resumable source's position is loaded from and saved to. */
  positions: PositionStore;
  logger: Logger;
  /** ms between checkpoints (the app's `commitInterval`). */
  checkpointInterval: number;
  /** Show a progress bar when the source reports a total: `'auto'` (default) = when the stream is a TTY. */
  progress?: boolean | 'auto';
  /** Where the progress bar goes; default stderr. */
  progressStream?: NodeJS.WriteStream;
}

/** What a finished {@link SourceRunner.run} did. */
export interface SourceRunResult {
  /** Messages produced (and acknowledged) in this run. */
  produced: number;
  /** The position stored last, if the source is resumable and set one. */
  position?: unknown;
}

/**
 * Runs one {@link Source}: hands it a context, checkpoints it every `checkpointInterval` (waits
 * until what it produced is acknowledged, then stores the position it set last), shows its
 * progress, and stores a final checkpoint when it finishes or the app stops.
 *
 * @example
 * ```ts
 * const runner = new SourceRunner({ source, topic, producer, positions, logger, checkpointInterval: 5000 });
 * const done = runner.run();
 * runner.stop(); // on Ctrl-C
 * const { produced } = await done;
 * ```
 */
export class SourceRunner<V, K> {
  private readonly o: SourceRunnerOptions<V, K>;
  private readonly abort = new AbortController();
  private produced = 0;
  private acknowledged = 0;
  private position: { value: unknown } | undefined;
  private stored: { value: unknown } | undefined;
  /** The last checkpoint started; checkpoints run one after another. */
  private checkpointing: Promise<void> = Promise.resolve();
  private periodicBusy = false;
  /** A periodic checkpoint that failed: the source is stopped and `run()` rejects with it. */
  private failure: SourceError | undefined;
  private progressState: { done: number; total: number; unit: 'messages' | 'bytes' } | undefined;

  constructor(options: SourceRunnerOptions<V, K>) {
    this.o = options;
  }

  /** The source's name. */
  get name(): string {
    return this.o.source.name;
  }

  /**
   * Runs the source to its end (or until {@link stop}) and stores its last position; rejects with a
   * SourceError naming the source.
   *
   * @example
   * ```ts
   * const { produced } = await runner.run();
   * ```
   */
  async run(): Promise<SourceRunResult> {
    const { source, topic, logger } = this.o;
    const started = Date.now();
    const resumable = source.resumable === true;
    const loaded = resumable ? await this.o.positions.load(source.name, topic.name) : undefined;
    if (loaded !== undefined) {
      this.stored = { value: loaded };
      logger.info({ source: source.name, topic: topic.name, position: loaded }, 'source resumes at its stored position');
    }
    const ctx = this.context(loaded);
    const timer = setInterval(() => {
      if (this.periodicBusy) return;
      this.periodicBusy = true;
      this.checkpoint()
        .catch((e: SourceError) => {
          this.failure ??= e;
          this.abort.abort();
        })
        .finally(() => (this.periodicBusy = false));
    }, this.o.checkpointInterval);
    timer.unref();
    const bar = this.startProgressBar();
    try {
      await source.run(ctx);
      if (this.failure) throw this.failure;
    } catch (e) {
      await this.checkpoint().catch(() => undefined); // keep what was delivered before the failure
      throw e instanceof SourceError ? e : new SourceError(`source '${source.name}' failed: ${(e as Error).message}`, { cause: e });
    } finally {
      clearInterval(timer);
      bar?.stop();
    }
    await this.checkpoint();
    const ms = Date.now() - started;
    logger.info({ source: source.name, topic: topic.name, produced: this.produced, ms, ...(this.stored ? { position: this.stored.value } : {}) }, this.abort.signal.aborted ? 'source stopped' : 'source finished');
    return { produced: this.produced, ...(this.stored ? { position: this.stored.value } : {}) };
  }

  /**
   * Asks the source to stop: `ctx.signal` aborts and `ctx.sleep` returns; `run()` then stores the
   * final checkpoint and resolves.
   *
   * @example
   * ```ts
   * process.once('SIGINT', () => runner.stop());
   * ```
   */
  stop(): void {
    this.abort.abort();
  }

  /**
   * Waits until everything produced so far is acknowledged, then stores the position set last
   * (when it changed). Runs after the checkpoint before it (never two at once), so the last call
   * stores the last position; a failed delivery rejects with a SourceError and leaves the stored
   * position where it was.
   */
  private checkpoint(): Promise<void> {
    const next = this.checkpointing.catch(() => undefined).then(() => this.storeCheckpoint());
    this.checkpointing = next;
    return next;
  }

  private async storeCheckpoint(): Promise<void> {
    const { source, topic } = this.o;
    const upTo = this.produced;
    const position = this.position;
    try {
      await this.o.producer.flush();
    } catch (e) {
      throw new SourceError(
        `source '${source.name}' could not deliver to topic '${topic.name}': ${(e as Error).message}. ` +
          (source.resumable ? 'Its stored position stays before the undelivered messages; run again once the broker is reachable to resume there.' : 'Check the broker and run again.'),
        { cause: e, retriable: true },
      );
    }
    this.acknowledged = Math.max(this.acknowledged, upTo);
    if (!source.resumable || position === undefined || position === this.stored) return;
    await this.o.positions.save(source.name, topic.name, position.value);
    this.stored = position;
  }

  private context(loaded: unknown): SourceContext<V, K, unknown> {
    const { topic, producer, logger } = this.o;
    const signal = this.abort.signal;
    return {
      topic,
      position: loaded,
      signal,
      logger,
      produce: (message: ProduceMessage<V, K>): boolean => {
        if (this.failure) throw this.failure;
        producer.produce(topic, message);
        this.produced++;
        return this.produced - this.acknowledged < MAX_UNACKNOWLEDGED;
      },
      drain: async (): Promise<void> => {
        const upTo = this.produced;
        await producer.flush();
        this.acknowledged = Math.max(this.acknowledged, upTo);
      },
      setPosition: (position: unknown): void => {
        this.position = { value: position };
      },
      progress: (done: number, total: number, unit: 'messages' | 'bytes' = 'messages'): void => {
        this.progressState = { done, total, unit };
      },
      sleep: (ms: number): Promise<void> =>
        new Promise((resolve) => {
          if (signal.aborted) return resolve();
          const timer = setTimeout(done, ms);
          function done(): void {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          }
          signal.addEventListener('abort', done, { once: true });
        }),
    };
  }

  /** A bar on a terminal that follows `ctx.progress`; none elsewhere or without a total. */
  private startProgressBar(): { stop(): void } | undefined {
    const stream = this.o.progressStream ?? process.stderr;
    const mode = this.o.progress ?? 'auto';
    if (mode === false || (mode === 'auto' && !stream.isTTY)) return undefined;
    let bar: cliProgress.SingleBar | undefined;
    const refresh = (): void => {
      const p = this.progressState;
      if (!p || !(p.total > 0)) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: `${this.o.source.name} → ${this.o.topic.name} {bar} {percentage}% {value}/{total} ${p.unit} | {eta_formatted} left`, stream, hideCursor: false },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, Math.min(p.done, p.total));
      } else {
        bar.setTotal(p.total);
        bar.update(Math.min(p.done, p.total));
      }
    };
    const timer = setInterval(refresh, PROGRESS_REFRESH_MS);
    timer.unref();
    return {
      stop: () => {
        clearInterval(timer);
        refresh();
        bar?.stop();
      },
    };
  }
}

import type { Logger } from 'pino';
import { FrameNode } from '../dataframe/frame-node.ts';
import { StreamingDataFrame, type FrameOptions } from '../dataframe/streaming-data-frame.ts';
import { ConfigError, SluiceError } from '../errors.ts';
import { prepareTopics } from '../kafka/prepare-topics.ts';
import { TopicLayoutError } from '../kafka/topic-layout-error.ts';
import { createKafkaClient } from '../kafka/create-kafka-client.ts';
import type { GroupConsumer } from '../kafka/group-consumer.ts';
import type { KafkaClient } from '../kafka/kafka-client.ts';
import type { RecordProducer } from '../kafka/record-producer.ts';
import { SluiceProducer } from '../kafka/sluice-producer.ts';
import { waitForBroker } from '../kafka/wait-for-broker.ts';
import { createLogger } from '../logger.ts';
import { Topic, type TopicOptions } from '../topics/topic.ts';
import { resolveApplicationConfig, type ApplicationConfig, type ApplicationOptions } from './application-config.ts';
import { AtLeastOnceCheckpoint } from './at-least-once-checkpoint.ts';
import type { Checkpoint } from './checkpoint.ts';
import { ExactlyOnceCheckpoint } from './exactly-once-checkpoint.ts';
import { persistentInstanceId } from './instance-id.ts';
import { KafkaRunLoop } from './kafka-run-loop.ts';
import { TopicRegistry } from './topic-registry.ts';
import type { ProcessingHooks } from './processing-hooks.ts';
import { emptyStats, type ProcessingStats } from './processing-stats.ts';
import { Processor } from './processor.ts';
import { KafkaChangelogReader } from '../state/changelog/kafka-changelog-reader.ts';
import { StateManager } from '../state/state-manager.ts';
import { registerFrameStores, stateHooks, transactionalStateOf } from '../state/state-hooks.ts';
import { bindTopicOwner } from '../state/topic-owner.ts';
import type { WallClock } from '../windows/wall-clock.ts';
import type { Source } from '../sources/base/source.ts';
import { SourceSet } from '../sources/source-set.ts';
import type { Sink } from '../sinks/base/sink.ts';

let applicationsCreated = 0;

/** The dead-letter topic holds the original bytes. */
const DEAD_LETTER_CODECS = { keySerializer: 'bytes', valueSerializer: 'bytes', keyDeserializer: 'bytes', valueDeserializer: 'bytes' } as const;

/**
 * How many Applications this process has created — how `sluice run` tells an app file from a
 * module that starts none.
 *
 * @example
 * ```ts
 * const before = applicationCount(); await import(file); if (applicationCount() === before) warn();
 * ```
 */
export function applicationCount(): number {
  return applicationsCreated;
}

/**
 * A sluice stream-processing application: declare topics and dataframes, then `run()`.
 * Options are validated once (unknown or ill-typed → ConfigError) and frozen in `app.config`.
 * Processing is at-least-once by default: offsets are committed only after the records a batch
 * produced are acknowledged, every `commitInterval` ms and on stop. With `processingGuarantee:
 * 'exactly-once'` each checkpoint is one Kafka transaction (see `ExactlyOnceCheckpoint`).
 *
 * @example
 * ```ts
 * import { Application } from 'sluice';
 * interface Joke { id: number; text: string }
 * const app = new Application({ consumerGroup: 'joke-lengths', autoOffsetReset: 'earliest' });
 * const jokes = app.topic<Joke>('jokes');
 * const lengths = app.topic<{ id: number; length: number }>('joke-lengths');
 * app.dataframe(jokes).apply((j) => ({ id: j.id, length: j.text.length })).toTopic(lengths);
 * await app.run(); // until Ctrl-C or app.stop()
 * ```
 */
export class Application {
  /** The validated, frozen options. */
  readonly config: ApplicationConfig;
  /** Every topic the app declared (inputs, outputs, internal topics). */
  readonly topics = new TopicRegistry();
  /** Counters: processed, produced, skipped messages. */
  readonly stats: ProcessingStats = emptyStats();
  readonly logger: Logger;
  private readonly dataframes: StreamingDataFrame<any, any>[] = [];
  private readonly hooks: ProcessingHooks[] = [];
  private client: KafkaClient | undefined;
  private consumer: GroupConsumer | undefined;
  private loop: KafkaRunLoop | undefined;
  private stopRequested = false;
  private running = false;
  private stateManager: StateManager | undefined;
  private readonly partitionLimits: { topic: string; maxPartitions: number; because: string }[] = [];
  private readonly sources = new SourceSet();
  private readonly openedSinks: Sink<any>[] = [];

  constructor(options: ApplicationOptions = {}) {
    this.config = resolveApplicationConfig(options);
    this.logger = createLogger('sluice', this.config.logLevel);
    applicationsCreated++;
  }

  /**
   * Declares a topic (value type `V`, key type `K`) and registers it with the app.
   *
   * @example
   * ```ts
   * const clicks = app.topic<{ url: string }>('clicks', { config: { numPartitions: 3 } });
   * const counts = app.topic<number, string>('click-counts', { valueSerializer: 'int', valueDeserializer: 'int' });
   * ```
   */
  topic<V = unknown, K = string>(name: string, options: TopicOptions<V, K> = {}): Topic<V, K> {
    return this.topics.register(new Topic<V, K>(name, options));
  }

  /**
   * Runs `source` when the app runs, producing to `topic` (default: a topic named after the
   * source). Returns the topic. An app with sources and no dataframe runs until its sources finish.
   *
   * @example
   * ```ts
   * const orders = app.addSource(new FileSource<Order>({ path: 'data/orders.jsonl' }), app.topic<Order>('orders'));
   * await app.run(); // produces the file's lines, then returns
   * ```
   */
  addSource<V, K = string>(source: Source<V, K, any>, topic: Topic<V, K> = this.topic<V, K>(source.name)): Topic<V, K> {
    this.sources.add(source, topic);
    for (const t of this.sources.topics()) this.topics.register(t);
    return topic;
  }

  /**
   * A frame reading `input`: a topic, or a source (which the app then runs, producing to a topic
   * named after it, see {@link addSource}). Every branch derived from it runs when the app runs.
   * A message with a null value (a tombstone) is a TombstoneError unless the frame is declared
   * with `{ tombstones: true }`: its values are then `V | null`.
   *
   * @example
   * ```ts
   * const sdf = app.dataframe(clicks);
   * sdf.filter((c) => c.url.startsWith('/shop')).print();
   * app.dataframe(new GeneratorSource({ name: 'ticks', rate: 1, generate: (i) => ({ value: i }) })).print();
   * const profiles = app.dataframe(app.topic<Profile>('profiles'), { tombstones: true });
   * profiles.update((p, ctx) => (p === null ? cache.delete(ctx.key) : cache.set(ctx.key, p)));
   * ```
   */
  dataframe<V, K>(input: Topic<V, K> | Source<V, K, any>, options?: FrameOptions & { tombstones?: false }): StreamingDataFrame<V, K>;
  dataframe<V, K>(input: Topic<V, K> | Source<V, K, any>, options: FrameOptions & { tombstones: true }): StreamingDataFrame<V | null, K>;
  dataframe<V, K>(input: Topic<V, K> | Source<V, K, any>, options: FrameOptions = {}): StreamingDataFrame<V | null, K> {
    const topic = input instanceof Topic ? input : this.addSource(input);
    this.topics.register(topic);
    const sdf = new StreamingDataFrame<V | null, K>(FrameNode.root(topic, options.tombstones ?? false));
    this.dataframes.push(sdf);
    bindTopicOwner(topic, {
      consumerGroup: this.config.consumerGroup,
      adopt: (frame) => {
        for (const root of frame.node.ancestry().filter((n) => n.isRoot)) this.topics.register(root.topic!);
        this.dataframes.push(frame);
      },
      expectPartitions: (t, maxPartitions, because) => void this.partitionLimits.push({ topic: t.name, maxPartitions, because }),
    });
    return sdf;
  }

  /**
   * Registers hooks (e.g. a StateManager's) on the Processor the app runs.
   *
   * @example
   * ```ts
   * app.addProcessingHooks({ onAssign: (tps) => console.log('assigned', tps) });
   * ```
   */
  addProcessingHooks(hooks: ProcessingHooks): void {
    this.hooks.push(hooks);
  }

  /**
   * A Processor for the app's dataframes with the app's error policy, stats and hooks — what
   * `run()` drives, and what test drivers can drive without Kafka.
   *
   * @example
   * ```ts
   * const result = app.createProcessor().process({ topic: 'clicks', partition: 0, messages });
   * ```
   */
  createProcessor(options: { state?: StateManager; clock?: WallClock } = {}): Processor {
    // Stateful steps and windows: a StateManager (durable LMDB unless one is passed, e.g. the
    // TestDriver's in-memory one), its changelog topics, and its hooks.
    const state = options.state ?? new StateManager({ consumerGroup: this.config.consumerGroup, stateDir: this.config.stateDir, logger: this.logger, stats: this.stats });
    const changelogs = registerFrameStores(this.dataframes, state);
    const stateful = this.dataframes.some((sdf) => state.isStateful(sdf.node.ancestry().find((n) => n.isRoot)!.topic!.name));
    for (const t of changelogs) this.topics.register(t);
    const { deadLetterTopic, consumerGroup } = this.config;
    const processor = new Processor({
      dataframes: this.dataframes,
      onDeserializationError: this.config.onDeserializationError,
      onProcessingError: this.config.onProcessingError,
      ...(deadLetterTopic ? { deadLetters: { topic: deadLetterTopic, app: consumerGroup } } : {}),
      logger: this.logger,
      stats: this.stats,
      ...(stateful ? { state } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    if (deadLetterTopic) {
      if (processor.topics.includes(deadLetterTopic)) {
        throw new ConfigError(`deadLetterTopic '${deadLetterTopic}' is also an input of this app; a message failing again would loop. Name another topic.`);
      }
      if (!this.topics.get(deadLetterTopic)) this.topics.register(new Topic(deadLetterTopic, DEAD_LETTER_CODECS));
    }
    for (const h of this.hooks) processor.addHooks(h);
    if (stateful) {
      // exactly-once: the checkpoint commits state around its transactions (not for a passed-in store, e.g. the TestDriver's)
      const transactional = this.config.processingGuarantee === 'exactly-once' && !options.state;
      processor.addHooks(stateHooks(state, options.state ? undefined : new KafkaChangelogReader({ client: this.kafka() }), { transactional }));
      if (!options.state) this.stateManager = state;
    }
    return processor;
  }

  /**
   * A batching producer that serializes with the topics' serializers.
   *
   * @example
   * ```ts
   * const producer = app.getProducer();
   * producer.produce(clicks, { key: 'u1', value: { url: '/shop' } });
   * await producer.close();
   * ```
   */
  getProducer(): SluiceProducer {
    return new SluiceProducer(this.kafka().producer(), { logger: this.logger, onError: this.config.onProducerError });
  }

  /**
   * The consumer of this app's group, subscribed to the topics its dataframes read (the one
   * `run()` uses once running).
   *
   * @example
   * ```ts
   * const consumer = app.getConsumer();
   * await consumer.run({ onBatch: async (b) => console.log(b.messages.length), onAssignment: () => {} });
   * ```
   */
  getConsumer(): GroupConsumer {
    const topics = new Set<string>();
    for (const sdf of this.dataframes) for (const root of sdf.node.ancestry().filter((n) => n.isRoot)) topics.add(root.topic!.name);
    this.consumer ??= this.kafka().consumer({
      groupId: this.config.consumerGroup,
      topics: [...topics],
      fromBeginning: this.config.autoOffsetReset === 'earliest',
      maxWaitMs: 500,
      sessionTimeoutMs: this.config.sessionTimeoutMs,
      heartbeatIntervalMs: Math.min(3000, Math.floor(this.config.sessionTimeoutMs / 3)),
    });
    return this.consumer;
  }

  /**
   * Runs every registered dataframe until `stop()`, SIGINT or SIGTERM. Waits up to
   * `brokerAvailabilityTimeout` for the broker (then BrokerUnavailableError), creates missing
   * topics, and rejects with the error that stopped it (e.g. a DeserializationError).
   *
   * @example
   * ```ts
   * await app.run();
   * ```
   */
  async run(): Promise<void> {
    if (this.running) throw new SluiceError('this Application is already running; call run() once');
    if (this.dataframes.length === 0 && this.sources.size === 0) {
      throw new SluiceError('nothing to run: declare a dataframe with app.dataframe(topic) or a source with app.addSource(source) before app.run()');
    }
    this.running = true;
    this.stopRequested = false;
    const onSignal = () => void this.stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const processor = this.dataframes.length > 0 ? this.createProcessor() : undefined;
    const producer = this.kafka().producer();
    const sourceProducer = this.sources.size > 0 ? this.getProducer() : undefined;
    let sourcesDone: Promise<unknown> | undefined;
    let checkpoint: Checkpoint | undefined;
    try {
      const { brokerAddress, brokerAvailabilityTimeout } = this.config;
      await waitForBroker({ brokerAddress, timeoutMs: brokerAvailabilityTimeout, logger: this.logger, clientId: this.config.clientId, client: this.config.client });
      await this.prepareTopics();
      if (this.stopRequested) return;
      if (sourceProducer) {
        const reader = new KafkaChangelogReader({ client: this.kafka() });
        const onError = (): void => void this.stop();
        sourcesDone = this.sources.start({ producer: sourceProducer, reader, logger: this.logger, checkpointInterval: this.config.commitInterval, onError });
        sourcesDone.catch(() => undefined); // awaited below; a failure meanwhile stops the app through onError
      }
      if (!processor) {
        await sourcesDone;
        return;
      }
      await this.openSinks(processor.sinks);
      if (this.stopRequested) return;
      const consumer = this.getConsumer();
      checkpoint = this.createCheckpoint(consumer, processor, producer);
      this.loop = new KafkaRunLoop({ consumer, checkpoint, processor, logger: this.logger, commitInterval: this.config.commitInterval });
      this.logger.info({ topics: processor.topics, group: this.config.consumerGroup, broker: brokerAddress }, 'running');
      const done = this.loop.run();
      if (this.stopRequested) void this.loop.stop();
      await done;
      await sourcesDone;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      this.sources.stop();
      await sourcesDone?.catch(() => undefined);
      await sourceProducer?.close().catch((e) => this.logger.warn({ err: e }, 'source producer close failed'));
      await checkpoint?.close?.().catch((e) => this.logger.warn({ err: e }, 'closing the transactional producers failed'));
      await producer.close().catch((e) => this.logger.warn({ err: e }, 'producer close failed'));
      processor?.close();
      for (const sink of this.openedSinks.splice(0)) await sink.close?.().catch((e) => this.logger.warn({ err: e, sink: sink.name }, 'closing a sink failed'));
      await this.stateManager?.close().catch((e) => this.logger.warn({ err: e }, 'closing state stores failed'));
      await this.client?.close().catch((e) => this.logger.warn({ err: e }, 'closing the Kafka client failed'));
      this.stateManager = undefined;
      this.consumer = undefined;
      this.loop = undefined;
      this.running = false;
      this.logger.info({ stats: this.stats }, 'stopped');
    }
  }

  /**
   * Stops `run()`: finishes the in-flight batch, flushes the producer, commits offsets.
   *
   * @example
   * ```ts
   * setTimeout(() => void app.stop(), 10_000);
   * await app.run();
   * ```
   */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.sources.stop();
    await this.loop?.stop();
  }

  /** Opens the sinks the frames end in and shows their stats in `app.stats.sinks`. */
  private async openSinks(sinks: readonly Sink<any>[]): Promise<void> {
    const names = new Set<string>();
    for (const sink of sinks) {
      if (names.has(sink.name)) throw new ConfigError(`two sinks of this app are named '${sink.name}'; give each sink its own name (its stats and errors are reported under it)`);
      names.add(sink.name);
    }
    for (const sink of sinks) {
      await sink.open?.({ logger: this.logger });
      this.openedSinks.push(sink);
      if (sink.stats) this.stats.sinks[sink.name] = sink.stats;
    }
  }

  /** The checkpoint of the app's processing guarantee. */
  private createCheckpoint(consumer: GroupConsumer, processor: Processor, producer: RecordProducer): Checkpoint {
    const { logger, stats } = this;
    if (this.config.processingGuarantee === 'exactly-once') {
      const state = this.stateManager ? transactionalStateOf(this.stateManager) : undefined;
      const { consumerGroup: groupId, stateDir } = this.config;
      const instanceId = persistentInstanceId(stateDir, groupId);
      return new ExactlyOnceCheckpoint({ client: this.kafka(), consumer, groupId, instanceId, logger, participants: processor.sinks, ...(state ? { state } : {}) });
    }
    const { onProducerError } = this.config;
    return new AtLeastOnceCheckpoint({ producer, consumer, processor, participants: processor.sinks, logger, stats, ...(onProducerError ? { onProducerError } : {}) });
  }

  /** Creates missing topics (with `autoCreateTopics`) and checks that the broker's topics fit the pipeline. */
  private async prepareTopics(): Promise<void> {
    const { partitions } = await prepareTopics(this.kafka().admin, this.topics.all(), { logger: this.logger, create: this.config.autoCreateTopics });
    for (const { topic, maxPartitions, because } of this.partitionLimits) {
      const actual = partitions.get(topic);
      if (actual === undefined || actual <= maxPartitions) continue;
      throw new TopicLayoutError(
        topic,
        `topic '${topic}' has ${actual} partitions on the broker, but ${because}: the state of one key would be split across partitions. ` +
          `Declare the topic with its partition count: app.topic('${topic}', { config: { numPartitions: ${actual} } }).`,
      );
    }
  }

  private kafka(): KafkaClient {
    this.client ??= createKafkaClient({ brokerAddress: this.config.brokerAddress, clientId: this.config.clientId, client: this.config.client, logger: this.logger.child({ component: 'kafka' }) });
    return this.client;
  }
}

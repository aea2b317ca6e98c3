// A consume → transform → produce stage on plain kafkajs, used by the demo apps until the DSL lands.
import { Kafka, logLevel, type Consumer, type Producer, type Message } from 'kafkajs';

/** What a {@link KafkajsStage} reads, writes and does to each record. */
export interface StageOptions<In, Out> {
  broker: string;
  consumerGroup: string;
  inputTopic: string;
  outputTopic: string;
  /** Turns one input value into zero or more output records. */
  transform: (value: In) => Array<{ key: string; value: Out }>;
}

/**
 * Reads JSON values from `inputTopic` in consumer group `consumerGroup`, maps each through
 * `transform`, writes the results as JSON to `outputTopic` (one send per fetched batch, before the
 * batch's offsets are committed), with the run/stop shape of an Application.
 *
 * @example
 * ```ts
 * const stage = new KafkajsStage<{ n: number }, { n: number }>({
 *   broker: 'localhost:9092', consumerGroup: 'doubler', inputTopic: 'numbers', outputTopic: 'doubled',
 *   transform: (v) => [{ key: String(v.n), value: { n: v.n * 2 } }],
 * });
 * setTimeout(() => void stage.stop(), 10_000);
 * await stage.run();
 * ```
 */
export class KafkajsStage<In, Out> {
  private readonly kafka: Kafka;
  private consumer?: Consumer;
  private producer?: Producer;
  private stopped?: () => void;
  private readonly stopHooks: Array<() => void> = [];

  constructor(private readonly options: StageOptions<In, Out>) {
    this.kafka = new Kafka({ clientId: options.consumerGroup, brokers: [options.broker], logLevel: logLevel.NOTHING });
  }

  /** Calls `hook` once the stage has stopped. */
  onStop(hook: () => void): void {
    this.stopHooks.push(hook);
  }

  /** Creates the topics if missing, joins the group and processes until `stop()`. */
  async run(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.options.consumerGroup, maxWaitTimeInMs: 250 });
    const producer = this.kafka.producer({ allowAutoTopicCreation: true });
    this.consumer = consumer;
    this.producer = producer;
    const done = new Promise<void>((resolve) => (this.stopped = resolve));
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: this.options.inputTopic }, { topic: this.options.outputTopic }] });
    } finally {
      await admin.disconnect();
    }
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.inputTopic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const out: Message[] = [];
        for (const message of batch.messages) {
          const value = JSON.parse(message.value?.toString('utf8') ?? 'null') as In;
          for (const record of this.options.transform(value)) out.push({ key: record.key, value: JSON.stringify(record.value) });
        }
        if (out.length > 0) await producer.send({ topic: this.options.outputTopic, messages: out });
        resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
    await done;
  }

  /** Leaves the group, closes the producer and makes `run()` resolve. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    for (const hook of this.stopHooks) hook();
    this.stopped?.();
  }
}

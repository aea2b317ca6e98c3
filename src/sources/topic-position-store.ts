import type { SluiceProducer } from '../kafka/sluice-producer.ts';
import type { ChangelogReader } from '../state/state-manager.ts';
import { Topic } from '../topics/topic.ts';
import type { PositionStore } from './base/position-store.ts';
import { SourceError } from './base/source-error.ts';

/** What a position record holds (JSON value; key = the destination topic). */
interface PositionRecord {
  position: unknown;
  /** When it was stored, epoch ms (for people reading the topic). */
  at: number;
}

/**
 * The compacted, one-partition topic where the source named `source` keeps its positions.
 *
 * @example
 * ```ts
 * sourcePositionTopicName('orders-file'); // 'source-position__orders-file'
 * ```
 */
export function sourcePositionTopicName(source: string): string {
  return `source-position__${source}`;
}

/**
 * The position topic of a source as the app declares it (compacted, one partition, internal).
 *
 * @example
 * ```ts
 * app.topics.register(sourcePositionTopic('orders-file'));
 * ```
 */
export function sourcePositionTopic(source: string): Topic<PositionRecord, string> {
  return new Topic<PositionRecord, string>(sourcePositionTopicName(source), {
    internal: true,
    config: { numPartitions: 1, extra: { 'cleanup.policy': 'compact' } },
  });
}

/**
 * Keeps source positions in Kafka, beside the data they describe (as Kafka Connect keeps source
 * offsets): one compacted topic per source, one record per destination topic. A position lives
 * where the messages it counts live — a broker that lost the topic's data has lost the position
 * too, so the source starts over instead of skipping what the broker no longer has.
 *
 * @example
 * ```ts
 * const store = new TopicPositionStore({ producer: app.getProducer(), reader: new KafkaChangelogReader({ kafka }) });
 * await store.save('orders-file', 'orders', { bytes: 120 });
 * await store.load('orders-file', 'orders'); // { bytes: 120 }
 * ```
 */
export class TopicPositionStore implements PositionStore {
  private readonly producer: Pick<SluiceProducer, 'produce' | 'flush'>;
  private readonly reader: ChangelogReader;
  private readonly topics = new Map<string, Topic<PositionRecord, string>>();

  constructor(options: { producer: Pick<SluiceProducer, 'produce' | 'flush'>; reader: ChangelogReader }) {
    this.producer = options.producer;
    this.reader = options.reader;
  }

  async load(source: string, topic: string): Promise<unknown> {
    const name = sourcePositionTopicName(source);
    try {
      const { high } = await this.reader.watermarks(name, 0);
      let latest: unknown;
      for await (const batch of this.reader.read(name, 0, high)) {
        for (const m of batch) {
          if (m.key?.toString('utf8') !== topic) continue;
          latest = m.value === null ? undefined : (JSON.parse(m.value.toString('utf8')) as PositionRecord).position;
        }
      }
      return latest;
    } catch (e) {
      throw new SourceError(`could not read the position of source '${source}' from topic '${name}': ${(e as Error).message}; check the broker, or delete the topic to start the source over`, { cause: e, retriable: true });
    }
  }

  async save(source: string, topic: string, position: unknown): Promise<void> {
    let positions = this.topics.get(source);
    if (!positions) this.topics.set(source, (positions = sourcePositionTopic(source)));
    this.producer.produce(positions, { key: topic, value: { position, at: Date.now() } });
    await this.producer.flush();
  }
}

import { randomUUID } from 'node:crypto';
import type { GroupConsumer } from '../../kafka/group-consumer.ts';
import type { KafkaClient } from '../../kafka/kafka-client.ts';
import type { StackView } from './stack-definition.ts';

/**
 * Follows topics from their beginning and keeps the latest JSON value of every key — the view a
 * compacted topic converges to. It waits until the topics exist (the apps create them), then
 * reads in a throwaway consumer group that never commits, so it leaves no offsets behind; values
 * that are not JSON are kept as strings.
 *
 * @example
 * ```ts
 * const follower = new TopicFollower(client, ['product-revenue']);
 * follower.start();
 * follower.latest('product-revenue').get('product_7');
 * await follower.stop();
 * ```
 */
export class TopicFollower implements StackView {
  private readonly values = new Map<string, Map<string, unknown>>();
  private consumer: GroupConsumer | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly topics: readonly string[],
  ) {
    for (const t of topics) this.values.set(t, new Map());
  }

  /** In the background: waits for the topics, then joins a throwaway group on them and keeps reading. */
  start(): void {
    this.running = this.follow();
    this.running.catch(() => undefined);
  }

  private async follow(): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      const existing = new Set(await this.client.admin.listTopics().catch(() => [] as string[]));
      if (this.topics.every((t) => existing.has(t))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (this.stopping) return;
    this.consumer = this.client.consumer({ groupId: `sluice-stack-view-${randomUUID()}`, topics: this.topics, fromBeginning: true, maxWaitMs: 500 });
    await this.consumer.run({
      onAssignment: () => undefined,
      onBatch: async (batch) => {
        const latest = this.values.get(batch.topic)!;
        for (const m of batch.messages) {
          const key = m.key?.toString('utf8') ?? '';
          if (m.value === null) latest.delete(key);
          else latest.set(key, parse(m.value.toString('utf8')));
        }
      },
    });
  }

  latest(topic: string): ReadonlyMap<string, unknown> {
    return this.values.get(topic) ?? new Map();
  }

  /** Leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.stop();
    await this.running?.catch(() => undefined);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { StateError } from '../base/state-error.ts';
import type { ChangelogReader } from '../state-manager.ts';
import type { ChangelogMessage } from './changelog-recovery.ts';

/** Options of {@link KafkaChangelogReader}. */
export interface KafkaChangelogReaderOptions {
  kafka: Kafka;
  /** Give up a read that makes no progress for this long; default 30 s. */
  stallTimeoutMs?: number;
}

/**
 * Reads changelog partitions through kafkajs for {@link StateManager} recovery. Each read uses a
 * throwaway consumer group that never commits, starts at the beginning, pauses the topic's other
 * partitions and stops at the end offset.
 *
 * @example
 * ```ts
 * const reader = new KafkaChangelogReader({ kafka });
 * await stateManager.assign('orders', 0, reader);
 * ```
 */
export class KafkaChangelogReader implements ChangelogReader {
  private readonly kafka: Kafka;
  private readonly stallTimeoutMs: number;

  constructor(options: KafkaChangelogReaderOptions) {
    this.kafka = options.kafka;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  }

  async watermarks(topic: string, partition: number): Promise<{ low: number; high: number }> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) return { low: 0, high: 0 };
      const offsets = await admin.fetchTopicOffsets(topic);
      const p = offsets.find((o) => o.partition === partition);
      return p ? { low: Number(p.low), high: Number(p.high) } : { low: 0, high: 0 };
    } finally {
      await admin.disconnect();
    }
  }

  async *read(topic: string, partition: number, endOffset: number): AsyncIterable<readonly ChangelogMessage[]> {
    if (endOffset <= 0) return;
    const consumer = this.kafka.consumer({ groupId: `sluice-recovery-${randomUUID()}` });
    const queue: ChangelogMessage[][] = [];
    let wake: (() => void) | undefined;
    let failure: unknown;
    let finished = false;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (batch.partition !== partition) {
            consumer.pause([{ topic, partitions: [batch.partition] }]); // the group owns every partition; only one is read
            return;
          }
          if (finished) return;
          const messages = batch.messages
            .map((m) => ({ offset: Number(m.offset), key: m.key, value: m.value, headers: m.headers as ChangelogMessage['headers'] }))
            .filter((m) => m.offset < endOffset);
          if (messages.length > 0) queue.push(messages);
          if (Number(batch.lastOffset()) >= endOffset - 1 || messages.some((m) => m.offset >= endOffset - 1)) finished = true;
          notify();
        },
      }).catch((e: unknown) => {
        failure = e;
        notify();
      });
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (failure) throw new StateError(`Reading changelog ${topic}[${partition}] failed; check the broker.`, { cause: failure, retriable: true });
        if (finished) return;
        const progressed = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), this.stallTimeoutMs);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        if (!progressed && queue.length === 0) {
          throw new StateError(`Reading changelog ${topic}[${partition}] made no progress for ${this.stallTimeoutMs} ms before offset ${endOffset - 1}; check the broker and the topic.`, { retriable: true });
        }
      }
    } finally {
      await consumer.disconnect();
    }
  }
}

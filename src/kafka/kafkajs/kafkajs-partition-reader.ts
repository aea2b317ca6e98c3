import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { SluiceError } from '../../errors.ts';
import type { ConsumedMessage } from '../consumed-message.ts';
import type { PartitionReadRequest } from '../kafka-client.ts';

/**
 * Reads one partition between two offsets through kafkajs, which has no manual assignment: a
 * throwaway consumer group that never commits subscribes to the topic, pauses the partitions it
 * does not need, seeks to `fromOffset` and stops at `toOffset`.
 *
 * @example
 * ```ts
 * for await (const batch of readPartitionWithKafkajs(kafka, { topic: 'changelog', partition: 1, fromOffset: 0, toOffset: 100 })) apply(batch);
 * ```
 */
export async function* readPartitionWithKafkajs(kafka: Kafka, request: PartitionReadRequest): AsyncIterable<readonly ConsumedMessage[]> {
  const { topic, partition, fromOffset, toOffset } = request;
  const stallTimeoutMs = request.stallTimeoutMs ?? 30_000;
  if (toOffset <= fromOffset) return;
  const consumer = kafka.consumer({ groupId: `sluice-read-${randomUUID()}`, readUncommitted: request.isolationLevel === 'read_uncommitted' });
  const queue: ConsumedMessage[][] = [];
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
    let sought = fromOffset === 0;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (!sought) consumer.seek({ topic, partition, offset: String(fromOffset) });
      sought = true;
    });
    // A fetch that holds only control records (a transaction's commit marker may end the range)
    // or aborted ones never reaches eachBatch; kafkajs reports it only as a processed batch.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== topic || payload.partition !== partition || finished) return;
      if (Number(payload.lastOffset) >= toOffset - 1) {
        finished = true;
        notify();
      }
    });
    await consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (batch.partition !== partition) {
            consumer.pause([{ topic, partitions: [batch.partition] }]); // the group owns every partition; only one is read
            return;
          }
          if (finished) return;
          const messages = batch.messages
            .map((m) => ({ offset: Number(m.offset), key: m.key, value: m.value, headers: m.headers as ConsumedMessage['headers'], timestamp: Number(m.timestamp) }))
            .filter((m) => m.offset >= fromOffset && m.offset < toOffset);
          if (messages.length > 0) queue.push(messages);
          if (Number(batch.lastOffset()) >= toOffset - 1) finished = true;
          notify();
        },
      })
      .catch((e: unknown) => {
        failure = e;
        notify();
      });
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      if (failure) throw new SluiceError(`reading ${topic}[${partition}] failed: ${(failure as Error).message}; check the broker`, { cause: failure, retriable: true });
      if (finished) return;
      const progressed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), stallTimeoutMs);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      if (!progressed && queue.length === 0) {
        throw new SluiceError(`reading ${topic}[${partition}] made no progress for ${stallTimeoutMs} ms before offset ${toOffset - 1}; check the broker and the topic`, { retriable: true });
      }
    }
  } finally {
    await consumer.disconnect();
  }
}

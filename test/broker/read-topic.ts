import type { Kafka } from 'kafkajs';
import { uniqueName } from '../support/test-broker.ts';

/** One record as `readTopic` returns it. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string;
}

/**
 * Reads `topic` from the beginning with a fresh kafkajs consumer group in the given isolation
 * level until `done(records)` holds; rejects after `timeoutMs` saying how many records came.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  isolation: { readUncommitted: boolean },
  done: (records: readonly ReadRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReadRecord[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('read'), maxWaitTimeInMs: 100, readUncommitted: isolation.readUncommitted });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`readTopic ${topic}: condition not met within ${timeoutMs} ms; got ${records.length} records: ${records.map((r) => r.value).join(', ')}`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            records.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? '' });
            if (done(records)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

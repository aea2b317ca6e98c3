import type { Message, TopicMessages } from 'kafkajs';
import type { OutgoingRecord } from '../../topics/message-context.ts';
import { TopicLayoutError } from '../topic-layout-error.ts';
import type { KafkajsAdmin } from './kafkajs-admin.ts';

/** Most records in one produce request sent through kafkajs. */
export const SEND_CHUNK_RECORDS = 1000;
/** Most key + value bytes (plus a per-record allowance) in one produce request: well under Kafka's 1 MiB default limit. */
export const SEND_CHUNK_BYTES = 512 * 1024;

/**
 * Splits `records` into consecutive `[start, end)` ranges of at most {@link SEND_CHUNK_RECORDS}
 * records and {@link SEND_CHUNK_BYTES} bytes (a single larger record is a chunk of its own): a
 * broker rejects requests over its `message.max.bytes`, and kafkajs groups large batches in time
 * quadratic in their size.
 *
 * @example
 * ```ts
 * for (const [start, end] of recordChunks(records)) await send(kafkajsTopicMessages(records, start, end));
 * ```
 */
export function recordChunks(records: readonly OutgoingRecord[]): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  let start = 0;
  while (start < records.length) {
    let end = start;
    let bytes = 0;
    while (end < records.length && end - start < SEND_CHUNK_RECORDS) {
      const r = records[end]!;
      const size = (r.key?.length ?? 0) + (r.value?.length ?? 0) + 64;
      if (end > start && bytes + size > SEND_CHUNK_BYTES) break;
      bytes += size;
      end++;
    }
    chunks.push([start, end]);
    start = end;
  }
  return chunks;
}

/**
 * The records `[start, end)` as kafkajs `topicMessages`, one entry per topic.
 *
 * @example
 * ```ts
 * await producer.sendBatch({ topicMessages: kafkajsTopicMessages(records, 0, records.length), acks: -1 });
 * ```
 */
export function kafkajsTopicMessages(records: readonly OutgoingRecord[], start: number, end: number): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (let i = start; i < end; i++) {
    const r = records[i]!;
    let list = byTopic.get(r.topic);
    if (!list) byTopic.set(r.topic, (list = []));
    list.push({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: String(r.timestamp),
      ...(r.partition === undefined ? {} : { partition: r.partition }),
    });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * kafkajs drops, without an error, records sent to a partition its metadata does not know; so
 * before a record goes to an explicit partition not seen yet, the topic is looked up and
 * partitions that do not exist are refused with a TopicLayoutError.
 *
 * @example
 * ```ts
 * const check = new ExplicitPartitionCheck(new KafkajsAdmin(kafka));
 * await check.verify(records, 0, records.length);
 * ```
 */
export class ExplicitPartitionCheck {
  /** Partition counts of the topics records were sent to with an explicit partition. */
  private readonly partitionCounts = new Map<string, number>();

  constructor(private readonly admin: KafkajsAdmin) {}

  /** Throws a TopicLayoutError if a record of `[start, end)` names a partition its topic does not have. */
  async verify(records: readonly OutgoingRecord[], start: number, end: number): Promise<void> {
    let beyondKnown: Map<string, number> | undefined;
    for (let i = start; i < end; i++) {
      const r = records[i]!;
      if (r.partition !== undefined && !(r.partition < (this.partitionCounts.get(r.topic) ?? 0))) {
        beyondKnown ??= new Map();
        beyondKnown.set(r.topic, Math.max(beyondKnown.get(r.topic) ?? 0, r.partition));
      }
    }
    if (!beyondKnown) return;
    const topics = await this.admin.describeTopics([...beyondKnown.keys()]);
    for (const t of topics) this.partitionCounts.set(t.name, t.partitions.length);
    for (const [topic, partition] of beyondKnown) {
      const count = this.partitionCounts.get(topic) ?? 0;
      if (partition >= count) {
        throw new TopicLayoutError(topic, `cannot write to partition ${partition} of topic '${topic}': it has ${count} partition(s). Recreate the topic with at least ${partition + 1} partitions.`);
      }
    }
  }

  /** Closes the admin connection, if one was opened. */
  close(): Promise<void> {
    return this.admin.close();
  }
}

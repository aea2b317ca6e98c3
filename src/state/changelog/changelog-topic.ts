import { encodeKey } from '../base/key-codec.ts';
import type { StateChange } from '../base/state-store.ts';

/** Header of a changelog record holding the source offset whose processing made the change. */
export const SOURCE_OFFSET_HEADER = 'sluice.source.offset';

/** A record to produce to a changelog topic; `value: null` is a tombstone (the key was deleted). */
export interface ChangelogRecord {
  topic: string;
  partition: number;
  key: Buffer;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * The compacted changelog topic of one store of one source topic. Its partition N holds the
 * changes of source partition N.
 *
 * @example
 * ```ts
 * changelogTopicName('revenue-aggregator', 'transactions', 'default');
 * // 'changelog__revenue-aggregator--transactions--default'
 * ```
 */
export function changelogTopicName(consumerGroup: string, topic: string, storeName: string): string {
  return `changelog__${consumerGroup}--${topic}--${storeName}`;
}

/** Where the changes of {@link changelogRecords} come from. */
export interface ChangelogSource {
  consumerGroup: string;
  topic: string;
  partition: number;
  /** The last input offset of the batch that made the changes. */
  sourceOffset: number;
}

/**
 * Turns a transaction's changes into changelog records: key = the encoded state key (relative to
 * its store), value = JSON of the stored value or null for a delete.
 *
 * @example
 * ```ts
 * const records = changelogRecords(tx.changes(), { consumerGroup: 'g', topic: 'orders', partition: 0, sourceOffset: 41 });
 * await producer.send(records);
 * ```
 */
export function changelogRecords(changes: readonly StateChange[], source: ChangelogSource): ChangelogRecord[] {
  const headers = { [SOURCE_OFFSET_HEADER]: String(source.sourceOffset) };
  return changes.map((change) => ({
    topic: changelogTopicName(source.consumerGroup, source.topic, change.storeName),
    partition: source.partition,
    key: encodeKey(change.key),
    value: change.value === undefined ? null : Buffer.from(JSON.stringify(change.value)),
    headers,
  }));
}

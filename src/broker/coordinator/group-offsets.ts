import type { OffsetStore } from '../storage/log-storage.ts';
import type { FetchedOffset, OffsetToCommit, PartitionResult, TopicPartitions } from './coordinator-types.ts';
import { GroupErrorCode } from './group-error-code.ts';

/**
 * Largest commit metadata accepted, in characters (Kafka's `offset.metadata.max.bytes`).
 *
 * @example
 * ```ts
 * if (metadata.length > MAX_OFFSET_METADATA_LENGTH) return GroupErrorCode.OFFSET_METADATA_TOO_LARGE;
 * ```
 */
export const MAX_OFFSET_METADATA_LENGTH = 4096;

/**
 * Committed offsets of consumer groups on top of an {@link OffsetStore}: stamps commit times,
 * rejects oversized metadata, and answers fetches with -1 and "" for partitions never committed.
 *
 * @example
 * ```ts
 * const offsets = new GroupOffsets(store, Date.now);
 * offsets.commit('g', [{ topic: 't', partition: 0, offset: 42, leaderEpoch: -1, metadata: null }]);
 * offsets.fetch('g', [{ topic: 't', partitions: [0, 1] }]); // offsets 42 and -1
 * ```
 */
export class GroupOffsets {
  constructor(
    private readonly store: OffsetStore,
    private readonly clock: () => number,
  ) {}

  /** Stores each offset; metadata longer than 4096 characters is refused for its partition. */
  commit(groupId: string, offsets: readonly OffsetToCommit[]): PartitionResult[] {
    const now = this.clock();
    return offsets.map((o) => {
      const metadata = o.metadata ?? '';
      if (metadata.length > MAX_OFFSET_METADATA_LENGTH) {
        return { topic: o.topic, partition: o.partition, errorCode: GroupErrorCode.OFFSET_METADATA_TOO_LARGE };
      }
      this.store.commit(groupId, o.topic, o.partition, {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata,
        commitTimestamp: now,
      });
      return { topic: o.topic, partition: o.partition, errorCode: GroupErrorCode.NONE };
    });
  }

  /** The asked partitions in request order, or (for `null`) every committed one sorted by topic and partition. */
  fetch(
    groupId: string,
    topics: readonly TopicPartitions[] | null,
  ): { topic: string; partitions: FetchedOffset[] }[] {
    if (topics === null) {
      const all = this.store.fetchAll(groupId);
      return [...all.keys()].sort().map((topic) => {
        const partitions = all.get(topic) ?? new Map();
        return {
          topic,
          partitions: [...partitions.keys()]
            .sort((a, b) => a - b)
            .map((p) => {
              const c = partitions.get(p)!;
              return { partition: p, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata ?? '', errorCode: GroupErrorCode.NONE };
            }),
        };
      });
    }
    return topics.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((partition) => {
        const c = this.store.fetch(groupId, topic, partition);
        if (c === undefined) return { partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: GroupErrorCode.NONE };
        return { partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata ?? '', errorCode: GroupErrorCode.NONE };
      }),
    }));
  }

  hasOffsets(groupId: string): boolean {
    return this.store.fetchAll(groupId).size > 0;
  }

  groups(): string[] {
    return this.store.groups();
  }

  /** Removes one partition's committed offset, durably; a partition never committed is left alone. */
  delete(groupId: string, topic: string, partition: number): void {
    this.store.deleteOffset(groupId, topic, partition);
  }

  deleteGroup(groupId: string): void {
    this.store.deleteGroup(groupId);
  }
}

import type { CommittedOffset, OffsetStore } from '../../src/broker/storage/log-storage.ts';

/** An OffsetStore kept in memory, for coordinator tests. */
export class MemoryOffsetStore implements OffsetStore {
  private readonly byGroup = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  commit(group: string, topic: string, partition: number, offset: CommittedOffset): void {
    let topics = this.byGroup.get(group);
    if (topics === undefined) this.byGroup.set(group, (topics = new Map()));
    let partitions = topics.get(topic);
    if (partitions === undefined) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, offset);
  }

  fetch(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(group)?.get(topic)?.get(partition);
  }

  fetchAll(group: string): Map<string, Map<number, CommittedOffset>> {
    return this.byGroup.get(group) ?? new Map();
  }

  deleteGroup(group: string): void {
    this.byGroup.delete(group);
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  close(): void {}
}

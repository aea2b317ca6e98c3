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

  deleteOffset(group: string, topic: string, partition: number): boolean {
    const topics = this.byGroup.get(group);
    const partitions = topics?.get(topic);
    if (topics === undefined || partitions === undefined || !partitions.delete(partition)) return false;
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.byGroup.delete(group);
    return true;
  }
  deleteGroup(group: string): void {
    this.byGroup.delete(group);
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  close(): void {}
}

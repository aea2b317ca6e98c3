import { describe, expect, it } from 'vitest';
import { MemoryLogStorage, MemoryOffsetStore } from '../broker/memory-log-storage.ts';
import { produce, startGroupBroker, startMember, waitFor } from './kafkajs-helpers.ts';

describe('consumer groups across a broker restart', () => {
  it('keeps committed offsets: the group is listed as Empty and a new consumer resumes after them', async () => {
    const storage = new MemoryLogStorage();
    const offsets = new MemoryOffsetStore();
    const topic = 'restart';

    const before = await startGroupBroker({ storage, offsets });
    const admin1 = before.kafka.admin();
    await admin1.connect();
    await admin1.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const first = await produce(before.kafka, topic, 'r', 5, 2);
    const log1 = new Map<string, string[]>();
    const m1 = await startMember(before.kafka, 'g-restart', topic, 'm1', log1);
    await waitFor('10 messages before the restart', () => log1.size === 10);
    expect([...log1.keys()].sort()).toEqual([...first].sort());
    await m1.consumer.disconnect();
    await admin1.disconnect();
    await before.broker.close();

    const after = await startGroupBroker({ storage, offsets });
    try {
      const admin2 = after.kafka.admin();
      await admin2.connect();
      expect((await admin2.listGroups()).groups).toContainEqual({ groupId: 'g-restart', protocolType: '' });
      expect((await admin2.describeGroups(['g-restart'])).groups[0]).toMatchObject({ groupId: 'g-restart', state: 'Empty', members: [] });
      const committed = await admin2.fetchOffsets({ groupId: 'g-restart', topics: [topic] });
      expect(committed[0].partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
        [0, '5'],
        [1, '5'],
      ]);
      const second = await produce(after.kafka, topic, 's', 3, 2);
      const log2 = new Map<string, string[]>();
      const m2 = await startMember(after.kafka, 'g-restart', topic, 'm2', log2);
      await waitFor('6 messages after the restart', () => log2.size === 6);
      await new Promise((r) => setTimeout(r, 300));
      expect([...log2.keys()].sort()).toEqual([...second].sort());
      expect(m2.received).toHaveLength(6);
      await m2.consumer.disconnect();
      await admin2.disconnect();
    } finally {
      await after.broker.close();
    }
  });
});

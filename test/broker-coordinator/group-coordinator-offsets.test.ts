import { describe, expect, it } from 'vitest';
import type { OffsetToCommit } from '../../src/broker/coordinator/coordinator-types.ts';
import { GroupErrorCode } from '../../src/broker/coordinator/group-error-code.ts';
import { harness, joinInput, meta } from './coordinator-harness.ts';

const offset = (topic: string, partition: number, value: number, metadata: string | null = null): OffsetToCommit => ({
  topic,
  partition,
  offset: value,
  leaderEpoch: -1,
  metadata,
});

describe('GroupCoordinator offsets', () => {
  it('accepts a standalone commit (generation -1, no member) and fetches it back; -1 and "" where nothing was committed', () => {
    const { coordinator, store, time } = harness();
    const results = coordinator.commitOffsets({
      groupId: 'solo',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [offset('t', 0, 42, 'hello'), offset('t', 1, 7)],
    });
    expect(results).toEqual([
      { topic: 't', partition: 0, errorCode: 0 },
      { topic: 't', partition: 1, errorCode: 0 },
    ]);
    expect(store.fetch('solo', 't', 0)).toEqual({ offset: 42, leaderEpoch: -1, metadata: 'hello', commitTimestamp: time.now });
    const fetched = coordinator.fetchOffsets('solo', [{ topic: 't', partitions: [0, 1, 2] }, { topic: 'u', partitions: [0] }]);
    expect(fetched).toEqual({
      errorCode: 0,
      topics: [
        {
          topic: 't',
          partitions: [
            { partition: 0, offset: 42, leaderEpoch: -1, metadata: 'hello', errorCode: 0 },
            { partition: 1, offset: 7, leaderEpoch: -1, metadata: '', errorCode: 0 },
            { partition: 2, offset: -1, leaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
        { topic: 'u', partitions: [{ partition: 0, offset: -1, leaderEpoch: -1, metadata: '', errorCode: 0 }] },
      ],
    });
    expect(coordinator.groupState('solo')).toBe('Empty');
  });

  it('fetches every committed partition, sorted, when topics is null', () => {
    const { coordinator } = harness();
    coordinator.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets: [offset('b', 1, 11), offset('a', 0, 1), offset('b', 0, 10)] });
    const all = coordinator.fetchOffsets('g', null);
    expect(all.topics.map((t) => [t.topic, t.partitions.map((p) => [p.partition, p.offset])])).toEqual([
      ['a', [[0, 1]]],
      ['b', [[0, 10], [1, 11]]],
    ]);
    expect(coordinator.fetchOffsets('nobody', null)).toEqual({ errorCode: 0, topics: [] });
  });

  it('validates generation and member of a group commit', async () => {
    const { coordinator } = harness();
    const m = await coordinator.joinGroup(joinInput());
    const commit = (generationId: number, memberId: string) =>
      coordinator.commitOffsets({ groupId: 'g', generationId, memberId, groupInstanceId: null, offsets: [offset('t', 0, 1)] })[0].errorCode;
    // CompletingRebalance: the member has its generation but no assignment yet.
    expect(commit(1, m.memberId)).toBe(GroupErrorCode.REBALANCE_IN_PROGRESS);
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: m.memberId, assignments: [] });
    expect(commit(1, m.memberId)).toBe(GroupErrorCode.NONE);
    expect(commit(0, m.memberId)).toBe(GroupErrorCode.ILLEGAL_GENERATION);
    expect(commit(1, 'stranger')).toBe(GroupErrorCode.UNKNOWN_MEMBER_ID);
    expect(commit(-1, '')).toBe(GroupErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.commitOffsets({ groupId: 'never', generationId: 3, memberId: 'x', groupInstanceId: null, offsets: [offset('t', 0, 1)] })[0].errorCode).toBe(
      GroupErrorCode.ILLEGAL_GENERATION,
    );
    // During PreparingRebalance, commits of the current generation are still accepted.
    void coordinator.joinGroup(joinInput({ clientId: 'other' }));
    expect(coordinator.groupState('g')).toBe('PreparingRebalance');
    expect(commit(1, m.memberId)).toBe(GroupErrorCode.NONE);
  });

  it('checks a transactional commit (KIP-447): the member and generation when given, anyone without them even in a non-empty group', async () => {
    const { coordinator } = harness();
    const m = await coordinator.joinGroup(joinInput({ groupInstanceId: 'instance-1' }));
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: m.memberId, assignments: [] });
    const check = (generationId: number, memberId: string, groupInstanceId: string | null = null) =>
      coordinator.validateTxnOffsetCommit({ groupId: 'g', generationId, memberId, groupInstanceId });
    expect(check(1, m.memberId)).toBe(GroupErrorCode.NONE);
    expect(check(1, m.memberId, 'instance-1')).toBe(GroupErrorCode.NONE);
    expect(check(0, m.memberId)).toBe(GroupErrorCode.ILLEGAL_GENERATION);
    expect(check(1, 'zombie')).toBe(GroupErrorCode.UNKNOWN_MEMBER_ID);
    expect(check(1, m.memberId, 'instance-2')).toBe(GroupErrorCode.FENCED_INSTANCE_ID);
    expect(check(-1, '')).toBe(GroupErrorCode.NONE);
    expect(coordinator.validateTxnOffsetCommit({ groupId: '', generationId: -1, memberId: '', groupInstanceId: null })).toBe(GroupErrorCode.INVALID_GROUP_ID);
    coordinator.commitTransactionalOffsets('g', [offset('t', 0, 77)]);
    expect(coordinator.fetchOffsets('g', [{ topic: 't', partitions: [0] }]).topics[0]!.partitions[0]!.offset).toBe(77);
  });

  it('refuses commit metadata longer than 4096 characters for that partition only', () => {
    const { coordinator } = harness();
    const results = coordinator.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets: [offset('t', 0, 1, 'x'.repeat(4097)), offset('t', 1, 2)] });
    expect(results.map((r) => r.errorCode)).toEqual([GroupErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
  });
});

describe('GroupCoordinator describe, list and delete', () => {
  it('describes a Stable group with protocol, members, metadata and assignments; unknown groups as Dead', async () => {
    const { coordinator } = harness();
    const m = await coordinator.joinGroup(joinInput({ clientId: 'c1', protocols: [{ name: 'range', metadata: meta('sub') }] }));
    expect(coordinator.describeGroups(['g'])[0]).toMatchObject({ state: 'CompletingRebalance', protocol: '', members: [{ memberId: m.memberId, metadata: new Uint8Array(0) }] });
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: m.memberId, assignments: [{ memberId: m.memberId, assignment: meta('asg') }] });
    const [described, unknown] = coordinator.describeGroups(['g', 'unknown']);
    expect(described).toEqual({
      groupId: 'g',
      errorCode: 0,
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      members: [{ memberId: m.memberId, groupInstanceId: null, clientId: 'c1', clientHost: '/127.0.0.1', metadata: meta('sub'), assignment: meta('asg') }],
    });
    expect(unknown).toEqual({ groupId: 'unknown', errorCode: 0, state: 'Dead', protocolType: '', protocol: '', members: [] });
  });

  it('lists live groups and groups that only have committed offsets, filtered by state', async () => {
    const { coordinator, store } = harness();
    await coordinator.joinGroup(joinInput({ groupId: 'live' }));
    store.commit('restored', 't', 0, { offset: 3, leaderEpoch: -1, metadata: '', commitTimestamp: 0 });
    expect(coordinator.listGroups()).toEqual([
      { groupId: 'live', protocolType: 'consumer', state: 'CompletingRebalance' },
      { groupId: 'restored', protocolType: '', state: 'Empty' },
    ]);
    expect(coordinator.listGroups(['empty'])).toEqual([{ groupId: 'restored', protocolType: '', state: 'Empty' }]);
  });

  it('deletes only empty groups, with their offsets; unknown groups are GROUP_ID_NOT_FOUND', async () => {
    const { coordinator, store } = harness();
    await coordinator.joinGroup(joinInput({ groupId: 'busy' }));
    coordinator.commitOffsets({ groupId: 'idle', generationId: -1, memberId: '', groupInstanceId: null, offsets: [offset('t', 0, 9)] });
    expect(coordinator.deleteGroups(['busy', 'idle', 'missing'])).toEqual([
      { groupId: 'busy', errorCode: GroupErrorCode.NON_EMPTY_GROUP },
      { groupId: 'idle', errorCode: 0 },
      { groupId: 'missing', errorCode: GroupErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(store.groups()).toEqual([]);
    expect(coordinator.groupState('idle')).toBeUndefined();
    expect(coordinator.fetchOffsets('idle', [{ topic: 't', partitions: [0] }]).topics[0].partitions[0].offset).toBe(-1);
    expect(coordinator.deleteGroups(['idle'])).toEqual([{ groupId: 'idle', errorCode: GroupErrorCode.GROUP_ID_NOT_FOUND }]);
  });
  it('OffsetDelete counts every topic as subscribed while a consumer group has no known subscriptions (first rebalance, unreadable metadata)', async () => {
    const { coordinator, time } = harness({ initialRebalanceDelayMs: 3_000 });
    coordinator.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets: [offset('t', 0, 4)] });
    const joining = coordinator.joinGroup(joinInput({ protocols: [{ name: 'range', metadata: meta('not a subscription') }] }));
    expect(coordinator.groupState('g')).toBe('PreparingRebalance');
    expect(coordinator.deleteOffsets('g', [{ topic: 'any', partitions: [0] }])).toEqual({
      errorCode: 0,
      partitions: [{ topic: 'any', partition: 0, errorCode: GroupErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }],
    });
    time.advance(3_000);
    expect((await joining).errorCode).toBe(0);
    expect(coordinator.deleteOffsets('g', [{ topic: 't', partitions: [0] }]).partitions[0]?.errorCode).toBe(GroupErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    expect(coordinator.fetchOffsets('g', [{ topic: 't', partitions: [0] }]).topics[0]?.partitions[0]?.offset).toBe(4);
  });
});

import { describe, expect, it } from 'vitest';
import { GroupErrorCode } from '../../src/broker/coordinator/group-error-code.ts';
import { flush, harness, joinInput, meta, track } from './coordinator-harness.ts';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

/** Joins one member into a fresh group and syncs it: the group is Stable at generation 1. */
async function stableGroupOfOne() {
  const h = harness();
  const first = await h.coordinator.joinGroup(joinInput({ clientId: 'a' }));
  const synced = await h.coordinator.syncGroup({
    groupId: 'g',
    generationId: first.generationId,
    memberId: first.memberId,
    assignments: [{ memberId: first.memberId, assignment: meta('all') }],
  });
  return { ...h, first, synced };
}

describe('GroupCoordinator join and sync', () => {
  it('makes the first member leader of generation 1 with the chosen protocol and its metadata', async () => {
    const { coordinator } = harness();
    const joined = await coordinator.joinGroup(joinInput({ clientId: 'a' }));
    expect(joined.errorCode).toBe(0);
    expect(joined.generationId).toBe(1);
    expect(joined.leader).toBe(joined.memberId);
    expect(joined.memberId).toMatch(/^a-[0-9a-f-]{36}$/);
    expect(joined.protocolType).toBe('consumer');
    expect(joined.protocolName).toBe('range');
    expect(joined.members.map((m) => [m.memberId, text(m.metadata)])).toEqual([[joined.memberId, 'm']]);
    expect(coordinator.groupState('g')).toBe('CompletingRebalance');
  });

  it('moves to Stable when the leader syncs and hands it its assignment', async () => {
    const { coordinator, synced } = await stableGroupOfOne();
    expect(synced.errorCode).toBe(0);
    expect(text(synced.assignment)).toBe('all');
    expect(coordinator.groupState('g')).toBe('Stable');
  });

  it('rebalances to generation 2 when a second member joins; both get answers and the leader stays', async () => {
    const { coordinator, first } = await stableGroupOfOne();
    const second = track(coordinator.joinGroup(joinInput({ clientId: 'b', protocols: [{ name: 'range', metadata: meta('b') }] })));
    await flush();
    expect(second.done).toBe(false);
    expect(coordinator.groupState('g')).toBe('PreparingRebalance');
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: first.memberId })).toBe(GroupErrorCode.REBALANCE_IN_PROGRESS);

    const rejoin = await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: first.memberId }));
    const other = await second.promise;
    expect(rejoin.generationId).toBe(2);
    expect(other.generationId).toBe(2);
    expect(rejoin.leader).toBe(first.memberId);
    expect(other.leader).toBe(first.memberId);
    expect(rejoin.members.map((m) => [m.memberId, text(m.metadata)])).toEqual([
      [first.memberId, 'm'],
      [other.memberId, 'b'],
    ]);
    expect(other.members).toEqual([]);
    expect(coordinator.groupState('g')).toBe('CompletingRebalance');
  });

  it("distributes the leader's assignment: a follower's SyncGroup waits until the leader's arrives", async () => {
    const { coordinator, first } = await stableGroupOfOne();
    const second = coordinator.joinGroup(joinInput({ clientId: 'b' }));
    await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: first.memberId }));
    const follower = await second;
    const followerSync = track(coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: follower.memberId, assignments: [] }));
    await flush();
    expect(followerSync.done).toBe(false);
    const leaderSync = await coordinator.syncGroup({
      groupId: 'g',
      generationId: 2,
      memberId: first.memberId,
      assignments: [
        { memberId: first.memberId, assignment: meta('p0') },
        { memberId: follower.memberId, assignment: meta('p1') },
      ],
    });
    expect(text(leaderSync.assignment)).toBe('p0');
    const f = await followerSync.promise;
    expect([f.errorCode, text(f.assignment), f.protocolName]).toEqual([0, 'p1', 'range']);
    expect(coordinator.groupState('g')).toBe('Stable');
    // A SyncGroup in Stable answers the stored assignment at once.
    const again = await coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: follower.memberId, assignments: [] });
    expect(text(again.assignment)).toBe('p1');
  });

  it('answers a known follower rejoining a Stable group with unchanged metadata without a rebalance', async () => {
    const { coordinator, first } = await stableGroupOfOne();
    const second = coordinator.joinGroup(joinInput({ clientId: 'b' }));
    await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: first.memberId }));
    const follower = await second;
    await Promise.all([
      coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: follower.memberId, assignments: [] }),
      coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: first.memberId, assignments: [] }),
    ]);
    const rejoin = await coordinator.joinGroup(joinInput({ clientId: 'b', memberId: follower.memberId }));
    expect([rejoin.errorCode, rejoin.generationId, rejoin.leader, rejoin.members.length]).toEqual([0, 2, first.memberId, 0]);
    expect(coordinator.groupState('g')).toBe('Stable');
  });

  it('rebalances when the leader rejoins a Stable group, even with unchanged metadata', async () => {
    const { coordinator, first } = await stableGroupOfOne();
    const rejoin = await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: first.memberId }));
    expect(rejoin.generationId).toBe(2);
    expect(coordinator.groupState('g')).toBe('CompletingRebalance');
  });

  it('rebalances when a known member rejoins a Stable group with changed metadata', async () => {
    const { coordinator, first } = await stableGroupOfOne();
    const second = coordinator.joinGroup(joinInput({ clientId: 'b' }));
    await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: first.memberId }));
    const follower = await second;
    await Promise.all([
      coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: follower.memberId, assignments: [] }),
      coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: first.memberId, assignments: [] }),
    ]);
    const changed = track(coordinator.joinGroup(joinInput({ clientId: 'b', memberId: follower.memberId, protocols: [{ name: 'range', metadata: meta('new') }] })));
    await flush();
    expect(changed.done).toBe(false);
    expect(coordinator.groupState('g')).toBe('PreparingRebalance');
    const leader = await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: first.memberId }));
    expect(leader.generationId).toBe(3);
    expect(leader.members.map((m) => text(m.metadata))).toEqual(['m', 'new']);
  });

  it('answers pending SyncGroups with REBALANCE_IN_PROGRESS when a rebalance starts during CompletingRebalance', async () => {
    const { coordinator, first } = await stableGroupOfOne();
    const second = coordinator.joinGroup(joinInput({ clientId: 'b' }));
    await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: first.memberId }));
    const follower = await second;
    const waiting = coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: follower.memberId, assignments: [] });
    void coordinator.joinGroup(joinInput({ clientId: 'c' }));
    expect((await waiting).errorCode).toBe(GroupErrorCode.REBALANCE_IN_PROGRESS);
    expect(coordinator.groupState('g')).toBe('PreparingRebalance');
  });
});

describe('GroupCoordinator MEMBER_ID_REQUIRED (JoinGroup v4+)', () => {
  it('answers an empty member id with MEMBER_ID_REQUIRED and a fresh id, then joins when the member rejoins with it', async () => {
    const { coordinator } = harness();
    const first = await coordinator.joinGroup(joinInput({ clientId: 'kafkajs', requireKnownMemberId: true }));
    expect(first.errorCode).toBe(GroupErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^kafkajs-[0-9a-f-]{36}$/);
    expect([first.generationId, first.leader, first.members]).toEqual([-1, '', []]);
    expect(coordinator.groupState('g')).toBe('Empty');
    const joined = await coordinator.joinGroup(joinInput({ clientId: 'kafkajs', memberId: first.memberId, requireKnownMemberId: true }));
    expect([joined.errorCode, joined.generationId, joined.leader, joined.memberId]).toEqual([0, 1, first.memberId, first.memberId]);
  });

  it('forgets a pending member id that is not used within the session timeout', async () => {
    const { coordinator, time } = harness();
    const first = await coordinator.joinGroup(joinInput({ requireKnownMemberId: true }));
    time.advance(10_001);
    expect(coordinator.groupState('g')).toBeUndefined();
    const late = await coordinator.joinGroup(joinInput({ memberId: first.memberId, requireKnownMemberId: true }));
    expect(late.errorCode).toBe(GroupErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('assigns an id and joins directly for JoinGroup before v4', async () => {
    const { coordinator } = harness();
    const joined = await coordinator.joinGroup(joinInput({ requireKnownMemberId: false }));
    expect([joined.errorCode, joined.generationId]).toEqual([0, 1]);
  });
});

describe('GroupCoordinator protocol selection', () => {
  it('chooses by majority vote among the protocols every member supports', async () => {
    const { coordinator } = harness();
    const both = (first: string, second: string) => [
      { name: first, metadata: meta(first) },
      { name: second, metadata: meta(second) },
    ];
    const a = await coordinator.joinGroup(joinInput({ clientId: 'a', protocols: both('range', 'roundrobin') }));
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] });
    const b = coordinator.joinGroup(joinInput({ clientId: 'b', protocols: both('roundrobin', 'range') }));
    const c = coordinator.joinGroup(joinInput({ clientId: 'c', protocols: [{ name: 'sticky', metadata: meta('s') }, ...both('roundrobin', 'range')] }));
    const a2 = await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a.memberId, protocols: both('range', 'roundrobin') }));
    expect(a2.protocolName).toBe('roundrobin');
    expect((await b).protocolName).toBe('roundrobin');
    expect((await c).protocolName).toBe('roundrobin');
    expect(a2.members.map((m) => text(m.metadata))).toEqual(['roundrobin', 'roundrobin', 'roundrobin']);
  });

  it('refuses a member whose protocol type differs or that shares no protocol with the group', async () => {
    const { coordinator } = harness();
    await coordinator.joinGroup(joinInput({ clientId: 'a' }));
    const otherType = await coordinator.joinGroup(joinInput({ protocolType: 'connect' }));
    expect(otherType.errorCode).toBe(GroupErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const noCommon = await coordinator.joinGroup(joinInput({ protocols: [{ name: 'sticky', metadata: meta('s') }] }));
    expect(noCommon.errorCode).toBe(GroupErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const emptyType = await coordinator.joinGroup(joinInput({ groupId: 'fresh', protocolType: '' }));
    expect(emptyType.errorCode).toBe(GroupErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(coordinator.groupState('fresh')).toBeUndefined();
  });

  it('refuses session timeouts outside the configured range', async () => {
    const { coordinator } = harness();
    expect((await coordinator.joinGroup(joinInput({ sessionTimeoutMs: 5999 }))).errorCode).toBe(GroupErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await coordinator.joinGroup(joinInput({ sessionTimeoutMs: 1_800_001 }))).errorCode).toBe(GroupErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await coordinator.joinGroup(joinInput({ groupId: '' }))).errorCode).toBe(GroupErrorCode.INVALID_GROUP_ID);
  });
});

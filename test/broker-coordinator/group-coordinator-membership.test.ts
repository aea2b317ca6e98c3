import { describe, expect, it } from 'vitest';
import { GroupErrorCode } from '../../src/broker/coordinator/group-error-code.ts';
import { flush, harness, joinInput, meta, track } from './coordinator-harness.ts';

/** A Stable group of two members (a = leader, b) at generation 2. */
async function stableGroupOfTwo() {
  const h = harness();
  const { coordinator } = h;
  const a0 = await coordinator.joinGroup(joinInput({ clientId: 'a' }));
  await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a0.memberId, assignments: [] });
  const bJoin = coordinator.joinGroup(joinInput({ clientId: 'b', sessionTimeoutMs: 20_000 }));
  const a = await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a0.memberId }));
  const b = await bJoin;
  await Promise.all([
    coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: b.memberId, assignments: [] }),
    coordinator.syncGroup({
      groupId: 'g',
      generationId: 2,
      memberId: a.memberId,
      assignments: [
        { memberId: a.memberId, assignment: meta('A') },
        { memberId: b.memberId, assignment: meta('B') },
      ],
    }),
  ]);
  return { ...h, a: a.memberId, b: b.memberId };
}

describe('GroupCoordinator heartbeats', () => {
  it('answers NONE for a current member of a Stable group', async () => {
    const { coordinator, a, b } = await stableGroupOfTwo();
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: a })).toBe(GroupErrorCode.NONE);
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: b })).toBe(GroupErrorCode.NONE);
  });

  it('answers ILLEGAL_GENERATION for an old generation and UNKNOWN_MEMBER_ID for a stranger or unknown group', async () => {
    const { coordinator, a } = await stableGroupOfTwo();
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: a })).toBe(GroupErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: 'nobody' })).toBe(GroupErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat({ groupId: 'other', generationId: 2, memberId: a })).toBe(GroupErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('expires a member whose session times out and rebalances the rest', async () => {
    const { coordinator, time, a, b } = await stableGroupOfTwo();
    // a (10 s session) keeps heartbeating; b (20 s session) goes silent.
    for (let t = 0; t < 6; t++) {
      time.advance(3_000);
      expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: a })).toBe(GroupErrorCode.NONE);
    }
    expect(coordinator.groupState('g')).toBe('Stable');
    time.advance(3_000); // 21 s since b's last sign of life
    expect(coordinator.groupState('g')).toBe('PreparingRebalance');
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: b })).toBe(GroupErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: a })).toBe(GroupErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a }));
    expect([rejoin.generationId, rejoin.leader, rejoin.members.map((m) => m.memberId)]).toEqual([3, a, [a]]);
  });

  it('removes a member that does not rejoin within the rebalance timeout', async () => {
    const { coordinator, time, a, b } = await stableGroupOfTwo();
    const c = track(coordinator.joinGroup(joinInput({ clientId: 'c', rebalanceTimeoutMs: 5_000 })));
    const aRejoin = track(coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a })));
    // b keeps heartbeating (so its session does not expire) but never rejoins.
    for (let t = 0; t < 2; t++) {
      time.advance(10_000);
      expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: b })).toBe(GroupErrorCode.REBALANCE_IN_PROGRESS);
    }
    time.advance(9_000);
    await flush();
    expect([c.done, aRejoin.done]).toEqual([false, false]);
    time.advance(1_000); // 30 s: the largest rebalance timeout (a and b have 30 s)
    const [cJoined, aJoined] = await Promise.all([c.promise, aRejoin.promise]);
    expect(aJoined.generationId).toBe(3);
    expect(aJoined.members.map((m) => m.memberId)).toEqual([a, cJoined.memberId]);
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 3, memberId: b })).toBe(GroupErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('elects the next member as leader when the leader leaves', async () => {
    const { coordinator, a, b } = await stableGroupOfTwo();
    coordinator.leaveGroup('g', [{ memberId: a, groupInstanceId: null }]);
    const rejoin = await coordinator.joinGroup(joinInput({ clientId: 'b', memberId: b, sessionTimeoutMs: 20_000 }));
    expect([rejoin.generationId, rejoin.leader]).toEqual([3, b]);
  });
});

describe('GroupCoordinator leave', () => {
  it('rebalances when a member leaves; the remaining member gets the next generation', async () => {
    const { coordinator, a, b } = await stableGroupOfTwo();
    const left = coordinator.leaveGroup('g', [{ memberId: b, groupInstanceId: null }]);
    expect(left).toEqual({ errorCode: 0, members: [{ memberId: b, groupInstanceId: null, errorCode: 0 }] });
    expect(coordinator.groupState('g')).toBe('PreparingRebalance');
    const rejoin = await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a }));
    expect([rejoin.generationId, rejoin.members.length]).toEqual([3, 1]);
  });

  it('answers UNKNOWN_MEMBER_ID per member for strangers and unknown groups', async () => {
    const { coordinator, a } = await stableGroupOfTwo();
    expect(coordinator.leaveGroup('g', [{ memberId: 'x', groupInstanceId: null }, { memberId: a, groupInstanceId: null }]).members.map((m) => m.errorCode)).toEqual([25, 0]);
    expect(coordinator.leaveGroup('none', [{ memberId: 'x', groupInstanceId: null }])).toEqual({
      errorCode: 0,
      members: [{ memberId: 'x', groupInstanceId: null, errorCode: 25 }],
    });
  });

  it('removes a group without committed offsets when its last member leaves, keeps one with offsets', async () => {
    const { coordinator } = harness();
    const x = await coordinator.joinGroup(joinInput({ groupId: 'x' }));
    await coordinator.syncGroup({ groupId: 'x', generationId: 1, memberId: x.memberId, assignments: [] });
    coordinator.leaveGroup('x', [{ memberId: x.memberId, groupInstanceId: null }]);
    expect(coordinator.groupState('x')).toBeUndefined();
    expect(coordinator.listGroups()).toEqual([]);

    const y = await coordinator.joinGroup(joinInput({ groupId: 'y' }));
    await coordinator.syncGroup({ groupId: 'y', generationId: 1, memberId: y.memberId, assignments: [] });
    coordinator.commitOffsets({ groupId: 'y', generationId: 1, memberId: y.memberId, groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: null }] });
    coordinator.leaveGroup('y', [{ memberId: y.memberId, groupInstanceId: null }]);
    expect(coordinator.groupState('y')).toBe('Empty');
    expect(coordinator.describeGroups(['y'])[0]).toMatchObject({ state: 'Empty', protocolType: 'consumer', protocol: '', members: [] });
  });

  it('answers a waiting JoinGroup of a member that leaves with UNKNOWN_MEMBER_ID', async () => {
    const { coordinator, a, b } = await stableGroupOfTwo();
    const bJoin = coordinator.joinGroup(joinInput({ clientId: 'b', memberId: b, protocols: [{ name: 'range', metadata: meta('changed') }] }));
    coordinator.leaveGroup('g', [{ memberId: b, groupInstanceId: null }]);
    expect((await bJoin).errorCode).toBe(GroupErrorCode.UNKNOWN_MEMBER_ID);
    const rejoin = await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a }));
    expect(rejoin.members.map((m) => m.memberId)).toEqual([a]);
  });
});

describe('GroupCoordinator SyncGroup errors', () => {
  it('answers ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and REBALANCE_IN_PROGRESS', async () => {
    const { coordinator, a } = await stableGroupOfTwo();
    expect((await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a, assignments: [] })).errorCode).toBe(22);
    expect((await coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: 'x', assignments: [] })).errorCode).toBe(25);
    void coordinator.joinGroup(joinInput({ clientId: 'c' }));
    expect((await coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: a, assignments: [] })).errorCode).toBe(27);
  });

  it('answers INCONSISTENT_GROUP_PROTOCOL when SyncGroup v5 names another protocol', async () => {
    const { coordinator, a } = await stableGroupOfTwo();
    const r = await coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: a, protocolType: 'consumer', protocolName: 'sticky', assignments: [] });
    expect(r.errorCode).toBe(GroupErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });
});

describe('GroupCoordinator initial rebalance delay', () => {
  it('waits the delay for more members before completing the first rebalance', async () => {
    const { coordinator, time } = harness({ initialRebalanceDelayMs: 3_000 });
    const a = track(coordinator.joinGroup(joinInput({ clientId: 'a' })));
    time.advance(2_000);
    const b = track(coordinator.joinGroup(joinInput({ clientId: 'b' })));
    time.advance(1_000);
    await flush();
    expect([a.done, b.done]).toEqual([false, false]);
    time.advance(3_000);
    const [aj, bj] = await Promise.all([a.promise, b.promise]);
    expect([aj.generationId, bj.generationId, aj.members.length]).toEqual([1, 1, 2]);
  });
});

describe('GroupCoordinator close', () => {
  it('answers waiting requests with NOT_COORDINATOR and clears every timer', async () => {
    const { coordinator, time, a } = await stableGroupOfTwo();
    const waiting = coordinator.joinGroup(joinInput({ clientId: 'c' }));
    coordinator.close();
    expect((await waiting).errorCode).toBe(GroupErrorCode.NOT_COORDINATOR);
    expect(time.timerCount).toBe(0);
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: a })).toBe(GroupErrorCode.COORDINATOR_NOT_AVAILABLE);
  });
});

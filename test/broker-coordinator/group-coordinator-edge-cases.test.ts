import { describe, expect, it } from 'vitest';
import { GroupErrorCode } from '../../src/broker/coordinator/group-error-code.ts';
import { flush, harness, joinInput, track } from './coordinator-harness.ts';

describe('GroupCoordinator edge cases', () => {
  it('answers waiting followers REBALANCE_IN_PROGRESS when the leader never syncs and its session expires', async () => {
    const { coordinator, time } = harness();
    const a = await coordinator.joinGroup(joinInput({ clientId: 'a' }));
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] });
    const bJoin = coordinator.joinGroup(joinInput({ clientId: 'b', sessionTimeoutMs: 30_000 }));
    await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a.memberId }));
    const b = await bJoin;
    const waiting = track(coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: b.memberId, assignments: [] }));
    time.advance(9_999);
    await flush();
    expect(waiting.done).toBe(false);
    time.advance(1);
    expect((await waiting.promise).errorCode).toBe(GroupErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = await coordinator.joinGroup(joinInput({ clientId: 'b', memberId: b.memberId, sessionTimeoutMs: 30_000 }));
    expect([rejoin.generationId, rejoin.leader]).toEqual([3, b.memberId]);
  });

  it('waits for a handed-out member id before completing a rebalance, until that id expires', async () => {
    const { coordinator, time } = harness();
    const a = await coordinator.joinGroup(joinInput({ clientId: 'a', requireKnownMemberId: true }));
    const aJoined = await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a.memberId, requireKnownMemberId: true }));
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] });
    expect(aJoined.generationId).toBe(1);
    // b gets an id but never comes back; c joins properly, which starts a rebalance.
    await coordinator.joinGroup(joinInput({ clientId: 'b', requireKnownMemberId: true }));
    const cId = (await coordinator.joinGroup(joinInput({ clientId: 'c', requireKnownMemberId: true }))).memberId;
    const c = track(coordinator.joinGroup(joinInput({ clientId: 'c', memberId: cId, requireKnownMemberId: true })));
    const aAgain = track(coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a.memberId, requireKnownMemberId: true })));
    await flush();
    expect([c.done, aAgain.done]).toEqual([false, false]);
    time.advance(10_000); // b's pending id expires after its 10 s session timeout
    const [cj, aj] = await Promise.all([c.promise, aAgain.promise]);
    expect([cj.generationId, aj.generationId, aj.members.length]).toEqual([2, 2, 2]);
  });

  it('answers a replaced JoinGroup of the same member with REBALANCE_IN_PROGRESS and the new one normally', async () => {
    const { coordinator } = harness();
    const a = await coordinator.joinGroup(joinInput({ clientId: 'a' }));
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] });
    const b = track(coordinator.joinGroup(joinInput({ clientId: 'b' })));
    await flush();
    const bId = coordinator.describeGroups(['g'])[0].members[1].memberId;
    const bAgain = coordinator.joinGroup(joinInput({ clientId: 'b', memberId: bId }));
    expect((await b.promise).errorCode).toBe(GroupErrorCode.REBALANCE_IN_PROGRESS);
    await coordinator.joinGroup(joinInput({ clientId: 'a', memberId: a.memberId }));
    expect((await bAgain).generationId).toBe(2);
  });
});

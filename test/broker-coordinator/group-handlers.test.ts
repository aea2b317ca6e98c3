import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { GroupCoordinator } from '../../src/broker/coordinator/group-coordinator.ts';
import type { BrokerContext, RequestContext } from '../../src/broker/handler.ts';
import { deleteGroupsHandler } from '../../src/broker/handlers/delete-groups.ts';
import { describeGroupsHandler } from '../../src/broker/handlers/describe-groups.ts';
import { findCoordinatorHandler } from '../../src/broker/handlers/find-coordinator.ts';
import { heartbeatHandler } from '../../src/broker/handlers/heartbeat.ts';
import { joinGroupHandler } from '../../src/broker/handlers/join-group.ts';
import { leaveGroupHandler } from '../../src/broker/handlers/leave-group.ts';
import { listGroupsHandler } from '../../src/broker/handlers/list-groups.ts';
import { offsetCommitHandler } from '../../src/broker/handlers/offset-commit.ts';
import { offsetFetchHandler } from '../../src/broker/handlers/offset-fetch.ts';
import { syncGroupHandler } from '../../src/broker/handlers/sync-group.ts';
import type { LogStorage, PartitionLog } from '../../src/broker/storage/log-storage.ts';
import { FakeTime } from './fake-time.ts';
import { MemoryOffsetStore } from './memory-offset-store.ts';
import { MemoryTransactionStore, testBrokerConfig } from '../broker/memory-log-storage.ts';
import { TransactionCoordinator } from '../../src/broker/transactions/transaction-coordinator.ts';
import { FetchSessionCache } from '../../src/broker/fetch-sessions/fetch-session-cache.ts';

/** A broker context whose storage has topic 'known' with partitions 0 and 1. */
function context() {
  const time = new FakeTime();
  const offsets = new MemoryOffsetStore();
  const coordinator = new GroupCoordinator({ offsets, logger: pino({ level: 'silent' }), clock: time.clock, timers: time });
  const storage = {
    partition: (topic: string, partition: number) => (topic === 'known' && partition < 2 ? ({} as PartitionLog) : undefined),
    topics: () => [],
  } as unknown as LogStorage;
  const broker: BrokerContext = {
    identity: { nodeId: 7, host: '127.0.0.1', port: 39092, clusterId: 'c' },
    storage,
    offsets,
    coordinator,
    transactions: new TransactionCoordinator({ store: new MemoryTransactionStore(), storage, offsets: coordinator, logger: pino({ level: 'silent' }), clock: time.clock, timers: time }),
    fetchSessions: new FetchSessionCache(),
    config: testBrokerConfig(),
    log: pino({ level: 'silent' }),
  };
  const ctx = (apiKey: number, apiVersion: number): RequestContext => ({
    apiKey,
    apiVersion,
    correlationId: 1,
    clientId: 'app',
    peer: '::ffff:127.0.0.1:50123',
    broker,
  });
  return { ctx, coordinator, offsets };
}

const joinRequest = (memberId = '') => ({
  groupId: 'g',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 20_000,
  memberId,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
});

describe('group API handlers', () => {
  it('FindCoordinator answers this broker for groups and transactions, INVALID_REQUEST for other key types', () => {
    const { ctx } = context();
    expect(findCoordinatorHandler.handle({ key: 'g', keyType: 0 }, ctx(10, 1))).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 7, host: '127.0.0.1', port: 39092 });
    expect(findCoordinatorHandler.handle({ key: 'tx' , keyType: 1 }, ctx(10, 2))).toMatchObject({ errorCode: 0, nodeId: 7 });
    expect(findCoordinatorHandler.handle({ key: 'g' }, ctx(10, 0))).toMatchObject({ errorCode: 0, port: 39092 });
    expect(findCoordinatorHandler.handle({ key: 'x', keyType: 5 }, ctx(10, 2))).toMatchObject({ errorCode: 42, nodeId: -1 });
  });

  it('JoinGroup v5 asks for a member id first, then joins; v3 joins at once; protocol name is "" on errors before v7', async () => {
    const { ctx } = context();
    const first = await joinGroupHandler.handle(joinRequest(), ctx(11, 5));
    expect(first).toMatchObject({ errorCode: 79, generationId: -1, protocolName: '', leader: '', members: [] });
    expect(first!.memberId).toMatch(/^app-/);
    const joined = await joinGroupHandler.handle(joinRequest(first!.memberId), ctx(11, 5));
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', leader: first!.memberId, memberId: first!.memberId });
    expect(joined!.members).toEqual([{ memberId: first!.memberId, groupInstanceId: null, metadata: Buffer.from('sub') }]);
    expect(Buffer.isBuffer(joined!.members[0].metadata)).toBe(true);
    const old = await joinGroupHandler.handle({ ...joinRequest(), groupId: 'h' }, ctx(11, 3));
    expect(old).toMatchObject({ errorCode: 0, generationId: 1 });
  });

  it('SyncGroup, Heartbeat, DescribeGroups and LeaveGroup v0 through the handlers', async () => {
    const { ctx } = context();
    const joined = (await joinGroupHandler.handle(joinRequest(), ctx(11, 2)))!;
    const synced = await syncGroupHandler.handle(
      { groupId: 'g', generationId: 1, memberId: joined.memberId, assignments: [{ memberId: joined.memberId, assignment: Buffer.from('asg') }] },
      ctx(14, 3),
    );
    expect(synced).toEqual({ throttleTimeMs: 0, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('asg') });
    expect(heartbeatHandler.handle({ groupId: 'g', generationId: 1, memberId: joined.memberId }, ctx(12, 3))).toEqual({ throttleTimeMs: 0, errorCode: 0 });
    expect(heartbeatHandler.handle({ groupId: 'g', generationId: 0, memberId: joined.memberId }, ctx(12, 3))).toEqual({ throttleTimeMs: 0, errorCode: 22 });
    const described = (await describeGroupsHandler.handle({ groups: ['g'] }, ctx(15, 2)))!;
    expect(described.groups[0]).toEqual({
      errorCode: 0,
      groupId: 'g',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [{ memberId: joined.memberId, groupInstanceId: null, clientId: 'app', clientHost: '/127.0.0.1', memberMetadata: Buffer.from('sub'), memberAssignment: Buffer.from('asg') }],
      authorizedOperations: -2147483648,
    });
    expect(leaveGroupHandler.handle({ groupId: 'g', memberId: 'stranger' }, ctx(13, 0))).toEqual({ throttleTimeMs: 0, errorCode: 25 });
    expect(leaveGroupHandler.handle({ groupId: 'g', memberId: joined.memberId }, ctx(13, 1))).toEqual({ throttleTimeMs: 0, errorCode: 0 });
    expect(listGroupsHandler.handle({}, ctx(16, 2))).toEqual({ throttleTimeMs: 0, errorCode: 0, groups: [] });
  });

  it('OffsetCommit marks unknown partitions UNKNOWN_TOPIC_OR_PARTITION and commits the rest; OffsetFetch reads them back', async () => {
    const { ctx, offsets } = context();
    const committed = offsetCommitHandler.handle(
      {
        groupId: 'g',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        topics: [
          { name: 'known', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedMetadata: null }, { partitionIndex: 5, committedOffset: 1n, committedMetadata: null }] },
          { name: 'unknown', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: 'm' }] },
        ],
      },
      ctx(8, 5),
    );
    expect(committed).toEqual({
      throttleTimeMs: 0,
      topics: [
        { name: 'known', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 5, errorCode: 3 }] },
        { name: 'unknown', partitions: [{ partitionIndex: 0, errorCode: 3 }] },
      ],
    });
    expect(offsets.groups()).toEqual(['g']);
    const fetched = offsetFetchHandler.handle({ groupId: 'g', topics: [{ name: 'known', partitionIndexes: [0, 1] }] }, ctx(9, 4));
    expect(fetched).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      topics: [
        {
          name: 'known',
          partitions: [
            { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
      ],
    });
    const all = (await offsetFetchHandler.handle({ groupId: 'g', topics: null }, ctx(9, 2)))!;
    expect(all.topics!.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)])).toEqual([['known', [42n]]]);
  });

  it('DeleteGroups deletes an empty group and reports unknown ones', () => {
    const { ctx, coordinator } = context();
    coordinator.commitOffsets({ groupId: 'old', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 'known', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] });
    expect(deleteGroupsHandler.handle({ groupsNames: ['old', 'nope'] }, ctx(42, 1))).toEqual({
      throttleTimeMs: 0,
      results: [
        { groupId: 'old', errorCode: 0 },
        { groupId: 'nope', errorCode: 69 },
      ],
    });
  });
  it('ListGroups v4/v5 carry state and type and filter by them; DescribeGroups v5 carries group instance ids', async () => {
    const { ctx, coordinator } = context();
    coordinator.commitOffsets({ groupId: 'idle', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 'known', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] });
    const first = (await joinGroupHandler.handle({ ...joinRequest(), groupInstanceId: 'pod-1' }, ctx(11, 5)))!;
    const joined = (await joinGroupHandler.handle({ ...joinRequest(first.memberId), groupInstanceId: 'pod-1' }, ctx(11, 5)))!;
    expect(joined.errorCode).toBe(0);
    await syncGroupHandler.handle({ groupId: 'g', generationId: joined.generationId, memberId: joined.memberId, assignments: [{ memberId: joined.memberId, assignment: Buffer.from('asg') }] }, ctx(14, 3));
    const list = async (req: { statesFilter: string[]; typesFilter?: string[] }, version: number) => (await listGroupsHandler.handle(req, ctx(16, version)))!.groups;
    const all = { groups: await list({ statesFilter: [], typesFilter: [] }, 5) };
    expect(all.groups.map((g) => [g.groupId, g.groupState, g.groupType]).sort()).toEqual([['g', 'Stable', 'classic'], ['idle', 'Empty', 'classic']]);
    expect((await list({ statesFilter: ['empty'] }, 4)).map((g) => g.groupId)).toEqual(['idle']);
    expect(await list({ statesFilter: [], typesFilter: ['Consumer'] }, 5)).toEqual([]);
    expect(await list({ statesFilter: [], typesFilter: ['Classic'] }, 5)).toHaveLength(2);
    const described = (await describeGroupsHandler.handle({ groups: ['g'], includeAuthorizedOperations: true }, ctx(15, 5)))!;
    expect(described.groups[0]!.members.map((m) => m.groupInstanceId)).toEqual(['pod-1']);
  });
});

import { ConfigError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { OffsetStore } from '../storage/log-storage.ts';
import { ConsumerGroup } from './consumer-group.ts';
import type {
  CommitOffsetsInput,
  CoordinatorTimers,
  DeleteGroupResult,
  DeleteOffsetsResult,
  FetchOffsetsResult,
  GroupDescription,
  HeartbeatInput,
  JoinGroupInput,
  JoinGroupResult,
  LeaveGroupResult,
  LeavingMember,
  ListedGroup,
  OffsetToCommit,
  PartitionResult,
  SyncGroupInput,
  SyncGroupResult,
  TopicPartitions,
} from './coordinator-types.ts';
import { GroupErrorCode } from './group-error-code.ts';
import { NODE_TIMERS } from './node-timers.ts';
import { GroupJoiner } from './group-joiner.ts';
import { GroupOffsets } from './group-offsets.ts';
import { joinError, Rebalancer } from './rebalancer.ts';

/** Options of {@link GroupCoordinator}. */
export interface GroupCoordinatorOptions {
  /** Where committed offsets are kept (durable across restarts). */
  readonly offsets: OffsetStore;
  readonly logger: Logger;
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  readonly clock?: () => number;
  /** Defaults to Node's timers (unref'd so they never keep the process alive). */
  readonly timers?: CoordinatorTimers;
  /** `group.initial.rebalance.delay.ms`: how long an empty group waits for more joiners. Default 0. */
  readonly initialRebalanceDelayMs?: number;
  /** `group.min.session.timeout.ms`, default 6000. */
  readonly minSessionTimeoutMs?: number;
  /** `group.max.session.timeout.ms`, default 1800000. */
  readonly maxSessionTimeoutMs?: number;
}

/**
 * The embedded broker's classic consumer-group coordinator (JoinGroup/SyncGroup/Heartbeat/
 * LeaveGroup protocol, committed offsets, describe/list/delete), with the semantics of Apache
 * Kafka's GroupCoordinator. Requests Kafka answers later (JoinGroup, SyncGroup) return promises;
 * the others answer at once. Handlers translate wire structures to the types of
 * `coordinator-types.ts`.
 *
 * @example
 * ```ts
 * const coordinator = new GroupCoordinator({ offsets, logger: createLogger('broker') });
 * const joined = await coordinator.joinGroup({ groupId: 'g', memberId: '', groupInstanceId: null,
 *   clientId: 'c', clientHost: '/127.0.0.1', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 60000,
 *   protocolType: 'consumer', protocols: [{ name: 'range', metadata }], requireKnownMemberId: false });
 * coordinator.close();
 * ```
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly log: Logger;
  private readonly rebalancer: Rebalancer;
  private readonly joiner: GroupJoiner;
  private readonly offsets: GroupOffsets;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private closed = false;

  constructor(options: GroupCoordinatorOptions) {
    const initialRebalanceDelayMs = nonNegative('initialRebalanceDelayMs', options.initialRebalanceDelayMs ?? 0);
    this.minSessionTimeoutMs = nonNegative('minSessionTimeoutMs', options.minSessionTimeoutMs ?? 6000);
    this.maxSessionTimeoutMs = nonNegative('maxSessionTimeoutMs', options.maxSessionTimeoutMs ?? 1_800_000);
    if (this.minSessionTimeoutMs > this.maxSessionTimeoutMs) {
      throw new ConfigError(
        `GroupCoordinator option minSessionTimeoutMs (${this.minSessionTimeoutMs}) is larger than ` +
          `maxSessionTimeoutMs (${this.maxSessionTimeoutMs}); make min <= max.`,
      );
    }
    this.log = options.logger.child({ component: 'group-coordinator' });
    this.offsets = new GroupOffsets(options.offsets, options.clock ?? Date.now);
    this.rebalancer = new Rebalancer({
      timers: options.timers ?? NODE_TIMERS,
      log: this.log,
      initialRebalanceDelayMs,
      onMaybeEmpty: (group) => this.removeIfUnused(group),
    });
    this.joiner = new GroupJoiner(this.rebalancer);
  }

  /**
   * JoinGroup: resolves when the join phase completes (or at once with an error, with
   * MEMBER_ID_REQUIRED for a v4+ member without id, or with the current generation for a known
   * member that rejoins a Stable group with unchanged metadata).
   */
  joinGroup(input: JoinGroupInput): Promise<JoinGroupResult> {
    return new Promise((resolve) => this.join(input, resolve));
  }

  /** SyncGroup: the leader's call stores the assignment; followers wait for it. */
  syncGroup(input: SyncGroupInput): Promise<SyncGroupResult> {
    return new Promise((resolve) => this.sync(input, resolve));
  }

  /** Heartbeat: returns the error code (REBALANCE_IN_PROGRESS tells the member to rejoin). */
  heartbeat(input: HeartbeatInput): number {
    if (this.closed) return GroupErrorCode.COORDINATOR_NOT_AVAILABLE;
    const group = this.lookup(input.groupId);
    if (group === undefined) return GroupErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return GroupErrorCode.COORDINATOR_NOT_AVAILABLE;
    const member = group.get(input.memberId);
    if (member === undefined) return GroupErrorCode.UNKNOWN_MEMBER_ID;
    if (input.generationId !== group.generationId) return GroupErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'Empty':
        return GroupErrorCode.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        this.rebalancer.scheduleSessionExpiry(group, member);
        return GroupErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        this.rebalancer.scheduleSessionExpiry(group, member);
        return GroupErrorCode.NONE;
      default:
        return GroupErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  /** LeaveGroup for one or more members; each leaving member gets its own error code. */
  leaveGroup(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    if (this.closed) return { errorCode: GroupErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    if (groupId === '') return { errorCode: GroupErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.lookup(groupId);
    const answer = (m: LeavingMember, errorCode: number) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    if (group === undefined) {
      return { errorCode: GroupErrorCode.NONE, members: leaving.map((m) => answer(m, GroupErrorCode.UNKNOWN_MEMBER_ID)) };
    }
    if (group.is('Dead')) return { errorCode: GroupErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map((m) => {
      if (group.isPending(m.memberId)) {
        this.rebalancer.removePendingMember(group, m.memberId);
        return answer(m, GroupErrorCode.NONE);
      }
      const member = group.get(m.memberId);
      if (member === undefined) return answer(m, GroupErrorCode.UNKNOWN_MEMBER_ID);
      this.rebalancer.removeMemberAndUpdateGroup(group, member, 'the member left the group');
      return answer(m, GroupErrorCode.NONE);
    });
    this.removeIfUnused(group);
    return { errorCode: GroupErrorCode.NONE, members };
  }

  /**
   * OffsetCommit: a generation of -1 with an empty member id is a standalone commit, allowed while
   * the group has no members; otherwise the member and generation must be current. Returns one
   * result per partition.
   */
  commitOffsets(input: CommitOffsetsInput): PartitionResult[] {
    const all = (errorCode: number) => input.offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode }));
    if (this.closed) return all(GroupErrorCode.COORDINATOR_NOT_AVAILABLE);
    let group = this.lookup(input.groupId);
    if (group === undefined) {
      if (input.generationId >= 0) return all(GroupErrorCode.ILLEGAL_GENERATION);
      group = this.createGroup(input.groupId);
    }
    const error = this.validateCommit(group, input);
    if (error !== GroupErrorCode.NONE) {
      this.removeIfUnused(group);
      return all(error);
    }
    if (group.is('CompletingRebalance')) return all(GroupErrorCode.REBALANCE_IN_PROGRESS);
    const member = group.get(input.memberId);
    if (member !== undefined) this.rebalancer.scheduleSessionExpiry(group, member);
    const results = this.offsets.commit(group.groupId, input.offsets);
    // A group created for this commit is kept when something was stored (checking is a copy).
    if (!results.some((r) => r.errorCode === GroupErrorCode.NONE)) this.removeIfUnused(group);
    return results;
  }

  /**
   * The group side of TxnOffsetCommit (KIP-447): with a member id or generation (v3+ clients) the
   * member and generation must be current; without them (v0–2 clients) any producer may commit.
   */
  validateTxnOffsetCommit(input: Omit<CommitOffsetsInput, 'offsets'>): number {
    if (this.closed) return GroupErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (input.groupId === '') return GroupErrorCode.INVALID_GROUP_ID;
    const group = this.lookup(input.groupId);
    if (group?.is('Dead')) return GroupErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (input.generationId < 0 && input.memberId === '' && input.groupInstanceId === null) return GroupErrorCode.NONE;
    if (group === undefined || !group.has(input.memberId)) return GroupErrorCode.UNKNOWN_MEMBER_ID;
    const member = group.get(input.memberId);
    if (input.groupInstanceId !== null && member?.groupInstanceId !== input.groupInstanceId) return GroupErrorCode.FENCED_INSTANCE_ID;
    return input.generationId === group.generationId ? GroupErrorCode.NONE : GroupErrorCode.ILLEGAL_GENERATION;
  }

  /** Stores the offsets of a committed transaction (checked at TxnOffsetCommit; the group may have moved on since). */
  commitTransactionalOffsets(groupId: string, offsets: readonly OffsetToCommit[]): void {
    if (this.closed) return;
    this.offsets.commit(groupId, offsets);
  }

  /** OffsetFetch: `null` topics means every partition the group committed. */
  fetchOffsets(groupId: string, topics: readonly TopicPartitions[] | null): FetchOffsetsResult {
    if (this.closed) return { errorCode: GroupErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    return { errorCode: GroupErrorCode.NONE, topics: this.offsets.fetch(groupId, topics) };
  }

  /** DescribeGroups: an unknown group is described as Dead with no members (as Kafka does). */
  describeGroups(groupIds: readonly string[]): GroupDescription[] {
    return groupIds.map((groupId) => {
      const group = this.closed ? undefined : this.lookup(groupId);
      if (group === undefined) {
        return { groupId, errorCode: this.closed ? GroupErrorCode.COORDINATOR_NOT_AVAILABLE : GroupErrorCode.NONE, state: 'Dead', protocolType: '', protocol: '', members: [] };
      }
      const stable = group.is('Stable');
      const protocol = stable ? (group.protocolName ?? '') : '';
      return {
        groupId,
        errorCode: GroupErrorCode.NONE,
        state: group.state,
        protocolType: group.protocolType ?? '',
        protocol,
        members: group.allMembers().map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable ? m.metadata(protocol) : new Uint8Array(0),
          assignment: stable ? m.assignment : new Uint8Array(0),
        })),
      };
    });
  }

  /** ListGroups: every known group (also those that only have committed offsets), optionally by state. */
  listGroups(statesFilter: readonly string[] = []): ListedGroup[] {
    if (this.closed) return [];
    for (const groupId of this.offsets.groups()) this.lookup(groupId);
    const wanted = new Set(statesFilter.map((s) => s.toLowerCase()));
    return [...this.groups.values()]
      .filter((g) => wanted.size === 0 || wanted.has(g.state.toLowerCase()))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }));
  }

  /** DeleteGroups: only groups without members; their committed offsets are deleted too. */
  deleteGroups(groupIds: readonly string[]): DeleteGroupResult[] {
    return groupIds.map((groupId) => {
      if (this.closed) return { groupId, errorCode: GroupErrorCode.COORDINATOR_NOT_AVAILABLE };
      const group = this.lookup(groupId);
      if (group === undefined || group.is('Dead')) return { groupId, errorCode: GroupErrorCode.GROUP_ID_NOT_FOUND };
      if (!group.is('Empty')) return { groupId, errorCode: GroupErrorCode.NON_EMPTY_GROUP };
      this.rebalancer.shutdownGroup(group, GroupErrorCode.UNKNOWN_MEMBER_ID);
      group.transitionTo('Dead');
      this.groups.delete(groupId);
      this.offsets.deleteGroup(groupId);
      this.log.info({ group: groupId }, `deleted group '${groupId}' and its committed offsets`);
      return { groupId, errorCode: GroupErrorCode.NONE };
    });
  }

  /**
   * OffsetDelete: removes committed offsets of a group (durably). GROUP_ID_NOT_FOUND for an unknown
   * group, NON_EMPTY_GROUP for a group with members that does not speak the consumer protocol;
   * a partition of a topic the current generation subscribes to answers GROUP_SUBSCRIBED_TO_TOPIC
   * and keeps its offset. Partitions never committed answer NONE (as Kafka does).
   */
  deleteOffsets(groupId: string, topics: readonly TopicPartitions[]): DeleteOffsetsResult {
    const fail = (errorCode: number): DeleteOffsetsResult => ({ errorCode, partitions: [] });
    if (this.closed) return fail(GroupErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (groupId === '') return fail(GroupErrorCode.INVALID_GROUP_ID);
    const group = this.lookup(groupId);
    if (group === undefined || group.is('Dead')) return fail(GroupErrorCode.GROUP_ID_NOT_FOUND);
    if (!group.is('Empty') && !group.usesConsumerProtocol) return fail(GroupErrorCode.NON_EMPTY_GROUP);
    const partitions = topics.flatMap(({ topic, partitions: indexes }) => {
      const subscribed = group.isSubscribedTo(topic);
      return indexes.map((partition) => {
        if (subscribed) return { topic, partition, errorCode: GroupErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
        this.offsets.delete(groupId, topic, partition);
        return { topic, partition, errorCode: GroupErrorCode.NONE };
      });
    });
    const deleted = partitions.filter((p) => p.errorCode === GroupErrorCode.NONE).length;
    if (deleted > 0) this.log.info({ group: groupId, partitions: deleted }, `deleted committed offsets of ${deleted} partition(s) of group '${groupId}'`);
    this.removeIfUnused(group);
    return { errorCode: GroupErrorCode.NONE, partitions };
  }

  /** Stops every timer; waiting JoinGroup/SyncGroup requests are answered NOT_COORDINATOR. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) this.rebalancer.shutdownGroup(group, GroupErrorCode.NOT_COORDINATOR);
    this.groups.clear();
  }

  /** The state of a group, or undefined when the coordinator does not know it (for tests and logs). */
  groupState(groupId: string): string | undefined {
    return this.groups.get(groupId)?.state;
  }

  private join(input: JoinGroupInput, respond: (result: JoinGroupResult) => void): void {
    if (this.closed) return respond(joinError(input.memberId, GroupErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (input.groupId === '') return respond(joinError(input.memberId, GroupErrorCode.INVALID_GROUP_ID));
    if (input.sessionTimeoutMs < this.minSessionTimeoutMs || input.sessionTimeoutMs > this.maxSessionTimeoutMs) {
      return respond(joinError(input.memberId, GroupErrorCode.INVALID_SESSION_TIMEOUT));
    }
    let group = this.lookup(input.groupId);
    if (input.memberId === '') {
      group ??= this.createGroup(input.groupId);
      this.joiner.joinUnknownMember(group, input, respond);
    } else if (group === undefined) {
      respond(joinError(input.memberId, GroupErrorCode.UNKNOWN_MEMBER_ID));
    } else {
      this.joiner.joinKnownMember(group, input, respond);
    }
    if (group !== undefined) this.removeIfUnused(group);
  }

  private sync(input: SyncGroupInput, respond: (result: SyncGroupResult) => void): void {
    const fail = (errorCode: number) =>
      respond({ errorCode, protocolType: null, protocolName: null, assignment: new Uint8Array(0) });
    if (this.closed) return fail(GroupErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (input.groupId === '') return fail(GroupErrorCode.INVALID_GROUP_ID);
    const group = this.lookup(input.groupId);
    if (group === undefined) return fail(GroupErrorCode.UNKNOWN_MEMBER_ID);
    if (group.is('Dead')) return fail(GroupErrorCode.COORDINATOR_NOT_AVAILABLE);
    const member = group.get(input.memberId);
    if (member === undefined) return fail(GroupErrorCode.UNKNOWN_MEMBER_ID);
    if (input.generationId !== group.generationId) return fail(GroupErrorCode.ILLEGAL_GENERATION);
    if (
      (input.protocolType != null && input.protocolType !== group.protocolType) ||
      (input.protocolName != null && input.protocolName !== group.protocolName)
    ) {
      return fail(GroupErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return fail(GroupErrorCode.REBALANCE_IN_PROGRESS);
      case 'CompletingRebalance': {
        member.answerSync(this.rebalancer.syncResult(group, GroupErrorCode.REBALANCE_IN_PROGRESS, new Uint8Array(0)));
        member.awaitingSync = respond;
        this.rebalancer.scheduleSessionExpiry(group, member);
        if (group.isLeader(member.memberId)) {
          const assignments = new Map(input.assignments.map((a) => [a.memberId, a.assignment] as const));
          this.rebalancer.applyAssignment(group, assignments);
        }
        return;
      }
      case 'Stable':
        this.rebalancer.scheduleSessionExpiry(group, member);
        return respond(this.rebalancer.syncResult(group, GroupErrorCode.NONE, member.assignment));
      default:
        return fail(GroupErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private validateCommit(group: ConsumerGroup, input: CommitOffsetsInput): number {
    if (group.is('Dead')) return GroupErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (input.generationId >= 0 || input.memberId !== '' || input.groupInstanceId !== null) {
      if (!group.has(input.memberId)) return GroupErrorCode.UNKNOWN_MEMBER_ID;
      if (input.generationId !== group.generationId) return GroupErrorCode.ILLEGAL_GENERATION;
      return GroupErrorCode.NONE;
    }
    // A standalone commit (no member, no generation) is allowed only while the group has no members.
    return group.is('Empty') ? GroupErrorCode.NONE : GroupErrorCode.UNKNOWN_MEMBER_ID;
  }

  /** The group, materialised as Empty when only committed offsets remain of it (e.g. after a restart). */
  private lookup(groupId: string): ConsumerGroup | undefined {
    const known = this.groups.get(groupId);
    if (known !== undefined || this.closed) return known;
    return this.offsets.hasOffsets(groupId) ? this.createGroup(groupId) : undefined;
  }

  private createGroup(groupId: string): ConsumerGroup {
    const group = new ConsumerGroup(groupId);
    this.groups.set(groupId, group);
    return group;
  }

  /** An Empty group without members, pending members or committed offsets is Dead and forgotten. */
  private removeIfUnused(group: ConsumerGroup): void {
    if (!group.is('Empty') || group.size > 0 || group.pendingCount > 0) return;
    if (this.offsets.hasOffsets(group.groupId)) return;
    if (this.groups.get(group.groupId) !== group) return;
    group.transitionTo('Dead');
    this.groups.delete(group.groupId);
    this.log.info({ group: group.groupId }, `removed empty group '${group.groupId}' (no committed offsets)`);
  }
}

function nonNegative(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`GroupCoordinator option ${option} must be a non-negative integer of milliseconds, got ${value}.`);
  }
  return value;
}

import { randomUUID } from 'node:crypto';
import type { ConsumerGroup } from './consumer-group.ts';
import type { JoinGroupInput, JoinGroupResult } from './coordinator-types.ts';
import { GroupErrorCode } from './group-error-code.ts';
import { GroupMember } from './group-member.ts';
import { joinError, type Rebalancer } from './rebalancer.ts';

/**
 * The JoinGroup decisions of the classic protocol for a group that exists: MEMBER_ID_REQUIRED
 * for v4+ members without id, new members added with a rebalance, known members rejoining
 * (a rebalance when the leader rejoins or metadata changed, else the current generation at once).
 * The {@link GroupCoordinator} validates the request and finds the group first.
 *
 * @example
 * ```ts
 * const joiner = new GroupJoiner(rebalancer);
 * joiner.joinUnknownMember(group, input, respond);
 * ```
 */
export class GroupJoiner {
  constructor(private readonly rebalancer: Rebalancer) {}

  /** JoinGroup without member id: MEMBER_ID_REQUIRED (v4+) or a new member and a rebalance. */
  joinUnknownMember(group: ConsumerGroup, input: JoinGroupInput, respond: (r: JoinGroupResult) => void): void {
    if (group.is('Dead')) return respond(joinError('', GroupErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(input.protocolType, input.protocols)) {
      return respond(joinError('', GroupErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const memberId = `${input.clientId}-${randomUUID()}`;
    if (input.requireKnownMemberId) {
      group.addPending(memberId, this.rebalancer.schedulePendingExpiry(group, memberId, input.sessionTimeoutMs));
      return respond(joinError(memberId, GroupErrorCode.MEMBER_ID_REQUIRED));
    }
    this.addMemberAndRebalance(group, input, memberId, respond);
  }

  /** JoinGroup of a member with an id: a pending id becomes a member; a known member rejoins by state. */
  joinKnownMember(group: ConsumerGroup, input: JoinGroupInput, respond: (r: JoinGroupResult) => void): void {
    const { memberId } = input;
    if (group.is('Dead')) return respond(joinError(memberId, GroupErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(input.protocolType, input.protocols)) {
      return respond(joinError(memberId, GroupErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.isPending(memberId)) {
      this.rebalancer.clearPendingExpiry(group.removePending(memberId));
      return this.addMemberAndRebalance(group, input, memberId, respond);
    }
    const member = group.get(memberId);
    if (member === undefined) return respond(joinError(memberId, GroupErrorCode.UNKNOWN_MEMBER_ID));
    const unchanged = member.matches(input.protocols);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, input, respond);
      case 'CompletingRebalance':
        if (unchanged) return respond(this.currentGeneration(group, member, group.isLeader(memberId)));
        return this.updateMemberAndRebalance(group, member, input, respond);
      case 'Stable':
        if (group.isLeader(memberId) || !unchanged) return this.updateMemberAndRebalance(group, member, input, respond);
        this.rebalancer.scheduleSessionExpiry(group, member);
        return respond(this.currentGeneration(group, member, false));
      default:
        return respond(joinError(memberId, GroupErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(
    group: ConsumerGroup,
    input: JoinGroupInput,
    memberId: string,
    respond: (r: JoinGroupResult) => void,
  ): void {
    const member = new GroupMember({
      memberId,
      groupInstanceId: input.groupInstanceId,
      clientId: input.clientId,
      clientHost: input.clientHost,
      sessionTimeoutMs: input.sessionTimeoutMs,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs < 0 ? input.sessionTimeoutMs : input.rebalanceTimeoutMs,
      protocolType: input.protocolType,
      protocols: input.protocols,
    });
    member.awaitingJoin = respond;
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    this.rebalancer.maybePrepareRebalance(group, `adding new member ${memberId}`);
    this.rebalancer.tryCompleteJoin(group);
  }

  private updateMemberAndRebalance(
    group: ConsumerGroup,
    member: GroupMember,
    input: JoinGroupInput,
    respond: (r: JoinGroupResult) => void,
  ): void {
    const rebalanceTimeoutMs = input.rebalanceTimeoutMs < 0 ? input.sessionTimeoutMs : input.rebalanceTimeoutMs;
    group.updateMember(member, input.protocols, rebalanceTimeoutMs, input.sessionTimeoutMs);
    member.clientId = input.clientId;
    member.clientHost = input.clientHost;
    // A second JoinGroup of the same member replaces the first, which gets a retriable error.
    member.answerJoin(joinError(member.memberId, GroupErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingJoin = respond;
    this.rebalancer.maybePrepareRebalance(group, `updating metadata of member ${member.memberId}`);
    this.rebalancer.tryCompleteJoin(group);
  }

  private currentGeneration(group: ConsumerGroup, member: GroupMember, withMembers: boolean): JoinGroupResult {
    return {
      errorCode: GroupErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: withMembers ? group.currentMemberMetadata() : [],
    };
  }
}

import type { Logger } from '../../logger.ts';
import type { ConsumerGroup } from './consumer-group.ts';
import type { CoordinatorTimers, JoinGroupResult, SyncGroupResult } from './coordinator-types.ts';
import { GroupErrorCode } from './group-error-code.ts';
import type { GroupMember } from './group-member.ts';

const EMPTY = new Uint8Array(0);

/** What the {@link Rebalancer} needs from the coordinator that owns it. */
export interface RebalancerOptions {
  readonly timers: CoordinatorTimers;
  readonly log: Logger;
  readonly initialRebalanceDelayMs: number;
  /** Called whenever a group may have become empty (it removes the group if it holds no offsets). */
  readonly onMaybeEmpty: (group: ConsumerGroup) => void;
}

/**
 * The timed half of the classic group protocol: starting a rebalance, completing the join phase
 * (when every member has rejoined or the rebalance timeout passed), distributing the leader's
 * assignment, and expiring members whose session timed out. The {@link GroupCoordinator} validates
 * requests and calls these steps; all timers run through the injected `timers`.
 *
 * @example
 * ```ts
 * const rebalancer = new Rebalancer({ timers, log, initialRebalanceDelayMs: 0, onMaybeEmpty });
 * rebalancer.maybePrepareRebalance(group, 'member joined');
 * ```
 */
export class Rebalancer {
  private readonly timers: CoordinatorTimers;
  private readonly log: Logger;
  private readonly initialDelayMs: number;
  private readonly onMaybeEmpty: (group: ConsumerGroup) => void;

  constructor(options: RebalancerOptions) {
    this.timers = options.timers;
    this.log = options.log;
    this.initialDelayMs = options.initialRebalanceDelayMs;
    this.onMaybeEmpty = options.onMaybeEmpty;
  }

  /** Starts a rebalance unless one is already being prepared (or the group is Dead). */
  maybePrepareRebalance(group: ConsumerGroup, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason);
  }

  /**
   * Moves the group to PreparingRebalance. From CompletingRebalance, waiting SyncGroups are
   * answered REBALANCE_IN_PROGRESS. From Empty the join phase lasts the initial rebalance delay
   * (extended while new members keep arriving, within the rebalance timeout); otherwise it ends
   * when all members have rejoined or after the largest member rebalance timeout.
   */
  prepareRebalance(group: ConsumerGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.failPendingSyncs(group, GroupErrorCode.REBALANCE_IN_PROGRESS);
    const fromEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance');
    this.log.info(
      { group: group.groupId, generation: group.generationId, reason },
      `preparing to rebalance group '${group.groupId}'`,
    );
    this.clearJoinTimer(group);
    if (fromEmpty) {
      if (this.initialDelayMs === 0) {
        this.completeJoin(group);
        return;
      }
      group.newMemberAdded = false;
      group.initialDelayRemainingMs = Math.max(group.rebalanceTimeoutMs - this.initialDelayMs, 0);
      group.joinTimer = this.schedule(group, () => this.onInitialDelayExpired(group), this.initialDelayMs);
      return;
    }
    group.joinTimer = this.schedule(group, () => {
      group.joinTimer = null;
      if (group.is('PreparingRebalance')) this.completeJoin(group);
    }, group.rebalanceTimeoutMs);
    this.tryCompleteJoin(group);
  }

  /** Completes the join phase now if every member has rejoined (and no initial delay runs). */
  tryCompleteJoin(group: ConsumerGroup): void {
    if (group.is('PreparingRebalance') && group.initialDelayRemainingMs === null && group.hasAllMembersJoined) {
      this.completeJoin(group);
    }
  }

  /**
   * Ends the join phase: members that did not rejoin are removed, the next generation starts and
   * every waiting JoinGroup is answered (the leader's answer lists all members with metadata).
   */
  completeJoin(group: ConsumerGroup): void {
    this.clearJoinTimer(group);
    group.initialDelayRemainingMs = null;
    for (const member of group.notYetRejoinedMembers()) {
      this.log.info(
        { group: group.groupId, member: member.memberId },
        `removing member '${member.memberId}' of group '${group.groupId}': it did not rejoin in time`,
      );
      this.clearSessionTimer(member);
      member.answerSync(this.syncError(group, GroupErrorCode.UNKNOWN_MEMBER_ID));
      group.remove(member.memberId);
    }
    group.initNextGeneration();
    if (group.is('Empty')) {
      this.log.info(
        { group: group.groupId, generation: group.generationId },
        `group '${group.groupId}' is empty at generation ${group.generationId}`,
      );
      this.onMaybeEmpty(group);
      return;
    }
    const members = group.allMembers();
    this.log.info(
      {
        group: group.groupId,
        generation: group.generationId,
        members: members.map((m) => m.memberId),
        leader: group.leaderId,
        protocol: group.protocolName,
      },
      `group '${group.groupId}' rebalanced to generation ${group.generationId} with ${members.length} member(s)`,
    );
    const everyone = group.currentMemberMetadata();
    for (const member of members) {
      const leader = group.isLeader(member.memberId);
      member.answerJoin({
        errorCode: GroupErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        memberId: member.memberId,
        members: leader ? everyone : [],
      });
      this.scheduleSessionExpiry(group, member);
    }
  }

  /**
   * Stores the leader's assignment (members it left out get an empty one), moves the group to
   * Stable and answers every waiting SyncGroup with its member's assignment.
   */
  applyAssignment(group: ConsumerGroup, assignments: ReadonlyMap<string, Uint8Array>): void {
    for (const member of group.allMembers()) member.assignment = assignments.get(member.memberId) ?? EMPTY;
    group.transitionTo('Stable');
    this.log.info(
      { group: group.groupId, generation: group.generationId, leader: group.leaderId },
      `group '${group.groupId}' is stable at generation ${group.generationId}`,
    );
    for (const member of group.allMembers()) {
      if (member.answerSync(this.syncResult(group, GroupErrorCode.NONE, member.assignment))) {
        this.scheduleSessionExpiry(group, member);
      }
    }
  }

  /**
   * Removes a member (it left, or its session expired): its waiting requests are answered
   * UNKNOWN_MEMBER_ID, and the group rebalances (or finishes the join phase it is in).
   */
  removeMemberAndUpdateGroup(group: ConsumerGroup, member: GroupMember, reason: string): void {
    this.log.info(
      { group: group.groupId, member: member.memberId, reason },
      `removing member '${member.memberId}' from group '${group.groupId}'`,
    );
    this.clearSessionTimer(member);
    member.answerJoin(joinError(member.memberId, GroupErrorCode.UNKNOWN_MEMBER_ID));
    member.answerSync(this.syncError(group, GroupErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalance(group, reason);
    else if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  /** Forgets a member id handed out with MEMBER_ID_REQUIRED that was never used (or left). */
  removePendingMember(group: ConsumerGroup, memberId: string): void {
    this.clearPendingExpiry(group.removePending(memberId));
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
    this.onMaybeEmpty(group);
  }

  /** Starts the expiry timer of a pending member id (the member's session timeout). */
  schedulePendingExpiry(group: ConsumerGroup, memberId: string, sessionTimeoutMs: number): unknown {
    return this.schedule(group, () => {
      if (!group.isPending(memberId)) return;
      this.log.info(
        { group: group.groupId, member: memberId },
        `pending member '${memberId}' of group '${group.groupId}' did not rejoin within its session timeout`,
      );
      this.removePendingMember(group, memberId);
    }, sessionTimeoutMs);
  }

  /** Stops the expiry timer of a pending member id that was used or forgotten. */
  clearPendingExpiry(timer: unknown): void {
    if (timer !== undefined) this.timers.clearTimeout(timer);
  }

  /** (Re)starts a member's session timer; when it fires without a heartbeat the member is removed. */
  scheduleSessionExpiry(group: ConsumerGroup, member: GroupMember): void {
    this.clearSessionTimer(member);
    member.sessionTimer = this.schedule(group, () => {
      member.sessionTimer = null;
      if (group.get(member.memberId) !== member) return;
      // A member waiting for a JoinGroup or SyncGroup answer needs no heartbeat; the answer
      // restarts its timer.
      if (member.isAwaitingJoin || member.isAwaitingSync) return;
      this.removeMemberAndUpdateGroup(group, member, `session timeout of ${member.sessionTimeoutMs} ms expired`);
    }, member.sessionTimeoutMs);
  }

  clearSessionTimer(member: GroupMember): void {
    if (member.sessionTimer !== null) this.timers.clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
  }

  /** Stops every timer of a group and answers its waiting requests with `errorCode`. */
  shutdownGroup(group: ConsumerGroup, errorCode: number): void {
    this.clearJoinTimer(group);
    for (const timer of group.pendingTimers()) this.timers.clearTimeout(timer);
    for (const member of group.allMembers()) {
      this.clearSessionTimer(member);
      member.answerJoin(joinError(member.memberId, errorCode));
      member.answerSync(this.syncError(group, errorCode));
    }
  }

  /** A SyncGroup answer for this group. */
  syncResult(group: ConsumerGroup, errorCode: number, assignment: Uint8Array): SyncGroupResult {
    return { errorCode, protocolType: group.protocolType, protocolName: group.protocolName, assignment };
  }

  private syncError(group: ConsumerGroup, errorCode: number): SyncGroupResult {
    return this.syncResult(group, errorCode, EMPTY);
  }

  /** Answers every waiting SyncGroup with `errorCode` and clears the assignments. */
  private failPendingSyncs(group: ConsumerGroup, errorCode: number): void {
    for (const member of group.allMembers()) {
      member.assignment = EMPTY;
      if (member.answerSync(this.syncError(group, errorCode))) this.scheduleSessionExpiry(group, member);
    }
  }

  private onInitialDelayExpired(group: ConsumerGroup): void {
    group.joinTimer = null;
    const remaining = group.initialDelayRemainingMs;
    if (!group.is('PreparingRebalance') || remaining === null) return;
    if (group.newMemberAdded && remaining > 0) {
      group.newMemberAdded = false;
      const delay = Math.min(this.initialDelayMs, remaining);
      group.initialDelayRemainingMs = Math.max(remaining - delay, 0);
      group.joinTimer = this.schedule(group, () => this.onInitialDelayExpired(group), delay);
      return;
    }
    this.completeJoin(group);
  }

  /**
   * Schedules `callback`; a failure inside it is logged instead of escaping into the event loop
   * (where it would stop the broker).
   */
  private schedule(group: ConsumerGroup, callback: () => void, ms: number): unknown {
    return this.timers.setTimeout(() => {
      try {
        callback();
      } catch (err) {
        this.log.error({ err, group: group.groupId }, `group coordinator timer failed for group '${group.groupId}'`);
      }
    }, ms);
  }

    private clearJoinTimer(group: ConsumerGroup): void {
    if (group.joinTimer !== null) this.timers.clearTimeout(group.joinTimer);
    group.joinTimer = null;
  }
}

/**
 * A JoinGroup error answer: generation -1, no protocol, no leader, no members.
 *
 * @example
 * ```ts
 * respond(joinError(input.memberId, GroupErrorCode.UNKNOWN_MEMBER_ID));
 * ```
 */
export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

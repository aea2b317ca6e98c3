import type { JoinGroupMember, MemberProtocol } from './coordinator-types.ts';
import { GroupCoordinatorError } from './group-coordinator-error.ts';
import type { GroupMember } from './group-member.ts';
import { assertTransition, type GroupState } from './group-state.ts';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from './subscribed-topics.ts';

/**
 * One classic consumer group: its state (moved only through the transition table in
 * `group-state.ts`), generation, members in join order, leader, protocol type and chosen protocol.
 * It decides nothing about time; the {@link GroupCoordinator} drives it.
 *
 * @example
 * ```ts
 * const group = new ConsumerGroup('orders');
 * group.add(member);
 * group.transitionTo('PreparingRebalance');
 * group.initNextGeneration(); // generation 1, CompletingRebalance, protocol chosen by vote
 * ```
 */
export class ConsumerGroup {
  readonly groupId: string;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Handle of the timer that completes the current join phase, when one runs. */
  joinTimer: unknown = null;
  /** During the initial delayed join: whether a member joined since the delay was last armed. */
  newMemberAdded = false;
  /**
   * While the initial delayed join of an empty group runs (`group.initial.rebalance.delay.ms`):
   * how much of the rebalance timeout is left after the current delay; null otherwise.
   */
  initialDelayRemainingMs: number | null = null;
  /**
   * Topics the members of the current generation subscribe to (consumer protocol only), computed
   * when a generation starts; null when unknown (no generation yet, another protocol type, or
   * metadata that does not parse).
   */
  private subscribedTopics: ReadonlySet<string> | null = null;
  private current: GroupState = 'Empty';
  /** Members in join order (a Map keeps insertion order). */
  private readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet rejoined; value: expiry timer. */
  private readonly pending = new Map<string, unknown>();
  /** For each protocol name, how many members support it. */
  private readonly supportedProtocols = new Map<string, number>();

  constructor(groupId: string) {
    this.groupId = groupId;
  }

  get state(): GroupState {
    return this.current;
  }

  is(state: GroupState): boolean {
    return this.current === state;
  }

  /** Moves to `to`; throws `IllegalGroupTransitionError` when the table does not allow it. */
  transitionTo(to: GroupState): void {
    assertTransition(this.groupId, this.current, to);
    this.current = to;
  }

  /** Whether a rebalance may start from the current state. */
  get canRebalance(): boolean {
    return this.is('Stable') || this.is('CompletingRebalance') || this.is('Empty');
  }

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): GroupMember | undefined {
    return this.members.get(memberId);
  }

  allMembers(): GroupMember[] {
    return [...this.members.values()];
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** Adds a member; the first member sets the protocol type and becomes leader if there is none. */
  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    this.countProtocols(member.protocols, 1);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  /** Removes a member; a removed leader is replaced by the earliest-joined remaining member. */
  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId);
    if (member === undefined) return undefined;
    this.members.delete(memberId);
    this.countProtocols(member.protocols, -1);
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    return member;
  }

  /** Replaces a member's protocols and timeouts (a known member rejoining). */
  updateMember(member: GroupMember, protocols: readonly MemberProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number): void {
    this.countProtocols(member.protocols, -1);
    member.protocols = protocols;
    this.countProtocols(protocols, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
  }

  addPending(memberId: string, expiryTimer: unknown): void {
    this.pending.set(memberId, expiryTimer);
  }

  /** Forgets a pending member id; returns its expiry timer handle (or undefined if not pending). */
  removePending(memberId: string): unknown {
    const timer = this.pending.get(memberId);
    this.pending.delete(memberId);
    return timer;
  }

  isPending(memberId: string): boolean {
    return this.pending.has(memberId);
  }

  pendingTimers(): unknown[] {
    return [...this.pending.values()];
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Every member has a JoinGroup waiting and no member id handed out is still unused. */
  get hasAllMembersJoined(): boolean {
    return this.allMembers().every((m) => m.isAwaitingJoin) && this.pending.size === 0;
  }

  /** Members that have not rejoined during the current rebalance. */
  notYetRejoinedMembers(): GroupMember[] {
    return this.allMembers().filter((m) => !m.isAwaitingJoin);
  }

  /** How long a rebalance may wait: the largest rebalance timeout among the members. */
  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Protocols every member supports. */
  candidateProtocols(): Set<string> {
    const candidates = new Set<string>();
    for (const [name, count] of this.supportedProtocols) if (count === this.members.size) candidates.add(name);
    return candidates;
  }

  /**
   * The protocol the members vote for: each member votes for its most preferred candidate (a
   * protocol all members support); most votes wins, ties go to the one first voted for.
   */
  selectProtocol(): string {
    if (this.members.size === 0) {
      throw new GroupCoordinatorError(`Group '${this.groupId}' has no members to choose a protocol for.`);
    }
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = 0;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best;
  }

  /**
   * Whether a member offering `protocolType` and `protocols` may join: an empty group takes any
   * non-empty type and protocol list; otherwise the type must match and at least one of the
   * protocols must be supported by all current members.
   */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.is('Empty')) return protocolType.length > 0 && protocols.length > 0;
    return (
      this.protocolType === protocolType &&
      protocols.some((p) => this.supportedProtocols.get(p.name) === this.members.size)
    );
  }

  /**
   * Starts the next generation after a join phase: generation + 1, protocol chosen by vote and
   * CompletingRebalance — or Empty with no protocol when no member is left.
   */
  initNextGeneration(): void {
    this.generationId += 1;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance');
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty');
    }
  }

  /** Whether the group speaks Kafka's consumer protocol (protocol type `consumer`). */
  get usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  /**
   * Whether the current generation consumes `topic` (OffsetDelete refuses to delete its offsets);
   * when the subscriptions are unknown, every topic of a consumer-protocol group counts as
   * subscribed (as Kafka decides).
   */
  isSubscribedTo(topic: string): boolean {
    return this.subscribedTopics === null ? this.usesConsumerProtocol : this.subscribedTopics.has(topic);
  }

  private computeSubscribedTopics(): ReadonlySet<string> | null {
    if (!this.usesConsumerProtocol) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const subscribed = subscribedTopicsOf(m.metadata(this.protocolName));
      if (subscribed === null) return null;
      for (const t of subscribed) topics.add(t);
    }
    return topics;
  }

  /** Every member with its metadata for the chosen protocol (what the leader assigns from). */
  currentMemberMetadata(): JoinGroupMember[] {
    const protocol = this.protocolName;
    if (protocol === null) {
      throw new GroupCoordinatorError(`Group '${this.groupId}' has no chosen protocol in ${this.current}.`);
    }
    return this.allMembers().map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }));
  }

  private countProtocols(protocols: readonly MemberProtocol[], delta: number): void {
    for (const name of new Set(protocols.map((p) => p.name))) {
      const next = (this.supportedProtocols.get(name) ?? 0) + delta;
      if (next === 0) this.supportedProtocols.delete(name);
      else this.supportedProtocols.set(name, next);
    }
  }
}

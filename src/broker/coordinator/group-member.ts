import { GroupCoordinatorError } from './group-coordinator-error.ts';
import type { JoinGroupResult, MemberProtocol, SyncGroupResult } from './coordinator-types.ts';

/** What a member is created with (from its JoinGroup). */
export interface GroupMemberOptions {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
}

const EMPTY = new Uint8Array(0);

/**
 * One member of a classic consumer group: its protocols, its current assignment, the JoinGroup or
 * SyncGroup answer it is waiting for, and its session timer.
 *
 * @example
 * ```ts
 * const member = new GroupMember({ memberId: 'c-1', groupInstanceId: null, clientId: 'c',
 *   clientHost: '/127.0.0.1', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 60000,
 *   protocolType: 'consumer', protocols: [{ name: 'range', metadata }] });
 * member.vote(new Set(['range'])); // 'range'
 * ```
 */
export class GroupMember {
  readonly memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  readonly protocolType: string;
  protocols: readonly MemberProtocol[];
  /** The assignment the leader gave this member in the current generation. */
  assignment: Uint8Array = EMPTY;
  /** Set while a JoinGroup of this member waits for the rebalance to complete. */
  awaitingJoin: ((result: JoinGroupResult) => void) | null = null;
  /** Set while a SyncGroup of this member waits for the leader's assignment. */
  awaitingSync: ((result: SyncGroupResult) => void) | null = null;
  /** Handle of the session-expiry timer, when one is running. */
  sessionTimer: unknown = null;

  constructor(options: GroupMemberOptions) {
    this.memberId = options.memberId;
    this.groupInstanceId = options.groupInstanceId;
    this.clientId = options.clientId;
    this.clientHost = options.clientHost;
    this.sessionTimeoutMs = options.sessionTimeoutMs;
    this.rebalanceTimeoutMs = options.rebalanceTimeoutMs;
    this.protocolType = options.protocolType;
    this.protocols = options.protocols;
  }

  /** Whether a JoinGroup of this member is waiting for the rebalance. */
  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  /** Whether a SyncGroup of this member is waiting for the leader. */
  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  /** The metadata this member sent for `protocol`; throws if it does not support it. */
  metadata(protocol: string): Uint8Array {
    const found = this.protocols.find((p) => p.name === protocol);
    if (found === undefined) {
      throw new GroupCoordinatorError(`Member '${this.memberId}' does not support protocol '${protocol}'.`);
    }
    return found.metadata;
  }

  /** Whether `protocols` are exactly the protocols (names, order and metadata) this member has. */
  matches(protocols: readonly MemberProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => {
      const mine = this.protocols[i];
      return mine.name === p.name && Buffer.from(mine.metadata).equals(Buffer.from(p.metadata));
    });
  }

  /** The first of this member's protocols (in its order of preference) that is a candidate. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (choice === undefined) {
      throw new GroupCoordinatorError(`Member '${this.memberId}' supports none of the candidate protocols.`);
    }
    return choice.name;
  }

  /** Answers and clears a waiting JoinGroup; returns whether one was waiting. */
  answerJoin(result: JoinGroupResult): boolean {
    const callback = this.awaitingJoin;
    if (callback === null) return false;
    this.awaitingJoin = null;
    callback(result);
    return true;
  }

  /** Answers and clears a waiting SyncGroup; returns whether one was waiting. */
  answerSync(result: SyncGroupResult): boolean {
    const callback = this.awaitingSync;
    if (callback === null) return false;
    this.awaitingSync = null;
    callback(result);
    return true;
  }
}

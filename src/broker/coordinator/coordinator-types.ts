/**
 * The group coordinator's own request and result types. Handlers translate the wire structures
 * (generated codecs) to these and back; the coordinator never sees bigint or protocol versions.
 */

/** One protocol a member offers in JoinGroup, e.g. `{ name: 'RoundRobinAssigner', metadata }`. */
export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Uint8Array;
}

/** A JoinGroup as the coordinator needs it. */
export interface JoinGroupInput {
  readonly groupId: string;
  /** Empty string for a member that has no id yet. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  /** Where the member connects from, as Kafka shows it (`/127.0.0.1`). */
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  /** -1 (JoinGroup v0) means "same as the session timeout". */
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
  /** JoinGroup v4+: an empty member id is answered with MEMBER_ID_REQUIRED and a fresh id. */
  readonly requireKnownMemberId: boolean;
}

/** One member in the leader's JoinGroup answer. */
export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Uint8Array;
}

/** The JoinGroup answer. */
export interface JoinGroupResult {
  readonly errorCode: number;
  /** -1 on errors. */
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** Empty string on errors. */
  readonly leader: string;
  readonly memberId: string;
  /** Every member with its metadata for the chosen protocol for the leader; empty for others. */
  readonly members: readonly JoinGroupMember[];
}

/** A SyncGroup as the coordinator needs it. */
export interface SyncGroupInput {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  /** SyncGroup v5+: checked against the group when given. */
  readonly protocolType?: string | null;
  readonly protocolName?: string | null;
  /** The leader's assignment per member; empty from followers. */
  readonly assignments: readonly { readonly memberId: string; readonly assignment: Uint8Array }[];
}

/** The SyncGroup answer. */
export interface SyncGroupResult {
  readonly errorCode: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Uint8Array;
}

/** A Heartbeat. */
export interface HeartbeatInput {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
}

/** One leaving member (LeaveGroup v0–2 send one; v3+ a list). */
export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/** The LeaveGroup answer: a top-level error and one error per leaving member. */
export interface LeaveGroupResult {
  readonly errorCode: number;
  readonly members: readonly { readonly memberId: string; readonly groupInstanceId: string | null; readonly errorCode: number }[];
}

/** One partition offset to commit. */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** -1 when unknown. */
  readonly leaderEpoch: number;
  readonly metadata: string | null;
}

/** An OffsetCommit. Generation -1 with an empty member id is a standalone commit. */
export interface CommitOffsetsInput {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly offsets: readonly OffsetToCommit[];
}

/** The result of one committed partition. */
export interface PartitionResult {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
}

/** Partitions asked for in OffsetFetch. */
export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** One partition's committed offset (-1 and "" when nothing was committed). */
export interface FetchedOffset {
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  readonly errorCode: number;
}

/** The OffsetFetch answer. */
export interface FetchOffsetsResult {
  readonly errorCode: number;
  readonly topics: readonly { readonly topic: string; readonly partitions: readonly FetchedOffset[] }[];
}

/** One member in DescribeGroups. */
export interface DescribedMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** Metadata for the chosen protocol; empty unless the group is Stable. */
  readonly metadata: Uint8Array;
  /** Empty unless the group is Stable. */
  readonly assignment: Uint8Array;
}

/** One group in DescribeGroups. An unknown group is described as Dead with no members. */
export interface GroupDescription {
  readonly groupId: string;
  readonly errorCode: number;
  readonly state: string;
  readonly protocolType: string;
  /** The chosen protocol when Stable, else empty. */
  readonly protocol: string;
  readonly members: readonly DescribedMember[];
}

/** One group in ListGroups. */
export interface ListedGroup {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: string;
}

/** One group's DeleteGroups result. */
export interface DeleteGroupResult {
  readonly groupId: string;
  readonly errorCode: number;
}

/** The OffsetDelete answer: a group-level error, else one result per asked partition. */
export interface DeleteOffsetsResult {
  readonly errorCode: number;
  readonly partitions: readonly PartitionResult[];
}

/** Timers the coordinator schedules session and rebalance timeouts with (fake ones in tests). */
export interface CoordinatorTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

import type { Logger } from 'pino';
import { SluiceError } from '../../errors.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../../protocol/generated/consumer-protocol-assignment.ts';
import { decodeConsumerProtocolSubscription, encodeConsumerProtocolSubscription } from '../../protocol/generated/consumer-protocol-subscription.ts';
import type { HeartbeatResponse } from '../../protocol/generated/heartbeat.ts';
import type { JoinGroupResponse } from '../../protocol/generated/join-group.ts';
import type { LeaveGroupResponse } from '../../protocol/generated/leave-group.ts';
import type { OffsetCommitResponse } from '../../protocol/generated/offset-commit.ts';
import type { OffsetFetchResponse } from '../../protocol/generated/offset-fetch.ts';
import type { SyncGroupResponse } from '../../protocol/generated/sync-group.ts';
import { Reader } from '../../protocol/primitives/reader.ts';
import { Writer } from '../../protocol/primitives/writer.ts';
import type { TopicPartition } from '../../topics/message-context.ts';
import type { CommitOffset, GroupMetadata } from '../group-consumer.ts';
import type { Cluster } from './cluster.ts';
import { KafkaProtocolError } from './kafka-protocol-error.ts';
import { rangeAssign } from './range-assignor.ts';

const OFFSET_COMMIT = 8;
const OFFSET_FETCH = 9;
const JOIN_GROUP = 11;
const HEARTBEAT = 12;
const LEAVE_GROUP = 13;
const SYNC_GROUP = 14;
const PROTOCOL = 'range';

/**
 * Options of a {@link ConsumerGroupMember}.
 *
 * @example
 * ```ts
 * const options: ConsumerGroupMemberOptions = { cluster, logger, groupId: 'g', topics: ['in'], sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, heartbeatIntervalMs: 3000 };
 * ```
 */
export interface ConsumerGroupMemberOptions {
  cluster: Cluster;
  logger: Logger;
  groupId: string;
  topics: readonly string[];
  sessionTimeoutMs: number;
  /** How long the group waits for members to rejoin in a rebalance (Kafka's `max.poll.interval.ms`). */
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
}

/**
 * This client's membership of a consumer group (the classic protocol with the `range` assignor,
 * as Java consumers speak it): join and sync, heartbeats in the background, offset commits and
 * fetches with the current generation, and leaving. A heartbeat that finds the group rebalancing
 * (or this member expired) calls `onRebalance`; the owner then rejoins with {@link join}.
 *
 * @example
 * ```ts
 * const member = new ConsumerGroupMember(options, () => (rejoin = true));
 * const partitions = await member.join();
 * await member.commit([{ topic: 'in', partition: 0, offset: 10 }]);
 * await member.leave();
 * ```
 */
export class ConsumerGroupMember {
  private memberId = '';
  private generationId = -1;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeating = false;
  private readonly cluster: Cluster;

  constructor(
    private readonly options: ConsumerGroupMemberOptions,
    private readonly onRebalance: (reason: string) => void,
  ) {
    this.cluster = options.cluster;
  }

  metadata(): GroupMetadata {
    return { groupId: this.options.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null };
  }

  /** Joins (or rejoins) the group and returns this member's partitions. */
  async join(): Promise<TopicPartition[]> {
    this.stopHeartbeats();
    const { groupId } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        const joined = await this.joinGroup();
        const assignment = await this.syncGroup(joined);
        this.startHeartbeats();
        this.options.logger.info({ groupId, generationId: this.generationId, memberId: this.memberId, leader: joined.leader === this.memberId }, 'joined the consumer group');
        return assignment;
      } catch (e) {
        const code = e instanceof KafkaProtocolError ? e.code : undefined;
        if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) this.memberId = '';
        const again = code === ErrorCode.REBALANCE_IN_PROGRESS || code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION || (e as { retriable?: boolean }).retriable === true;
        if (!again || attempt >= 20) throw e;
        this.options.logger.debug({ err: e, attempt }, 'joining the group failed; trying again');
        await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 1000)));
      }
    }
  }

  /** Commits offsets with this member's generation. */
  async commit(offsets: readonly CommitOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
    for (const o of offsets) {
      let list = byTopic.get(o.topic);
      if (!list) byTopic.set(o.topic, (list = []));
      list.push({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: '' });
    }
    const { groupId } = this.options;
    await this.cluster.withCoordinator(0, groupId, async (conn) => {
      const res = await conn.request<OffsetCommitResponse>(OFFSET_COMMIT, conn.version(OFFSET_COMMIT, 2, 8), {
        groupId,
        generationIdOrMemberEpoch: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      });
      for (const t of res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode === ErrorCode.NONE) continue;
          if (p.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || p.errorCode === ErrorCode.ILLEGAL_GENERATION || p.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
            this.onRebalance('an offset commit found the group rebalanced');
            throw new SluiceError(`committing offsets of group '${groupId}' failed: the group rebalanced (${new KafkaProtocolError(p.errorCode, 'commit').type}); the partitions may belong to another member now`, { retriable: true });
          }
          throw new KafkaProtocolError(p.errorCode, `committing the offset of group '${groupId}' on topic '${t.name}' partition ${p.partitionIndex}`);
        }
      }
    });
  }

  /** The group's committed offsets of `partitions` (partitions without a commit are left out). */
  async committed(partitions: readonly TopicPartition[], requireStable: boolean): Promise<Map<string, number>> {
    const { groupId } = this.options;
    const byTopic = new Map<string, number[]>();
    for (const tp of partitions) {
      let list = byTopic.get(tp.topic);
      if (!list) byTopic.set(tp.topic, (list = []));
      list.push(tp.partition);
    }
    const out = new Map<string, number>();
    if (partitions.length === 0) return out;
    const res = await this.cluster.withCoordinator(0, groupId, async (conn) => {
      const version = conn.version(OFFSET_FETCH, 1, 7);
      const answer = await conn.request<OffsetFetchResponse>(OFFSET_FETCH, version, {
        groupId,
        topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
        requireStable: requireStable && version >= 7,
      });
      if ((answer.errorCode ?? 0) !== ErrorCode.NONE) throw new KafkaProtocolError(answer.errorCode!, `reading the committed offsets of group '${groupId}'`);
      for (const t of answer.topics ?? []) for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(p.errorCode, `reading the committed offset of group '${groupId}' on '${t.name}' partition ${p.partitionIndex}`);
      return answer;
    }, 60_000);
    for (const t of res.topics ?? []) {
      for (const p of t.partitions) {
        const offset = Number(p.committedOffset);
        if (offset >= 0) out.set(`${t.name}\u0000${p.partitionIndex}`, offset);
      }
    }
    return out;
  }

  /** Stops heartbeating and leaves the group (its partitions go to the others at once). */
  async leave(): Promise<void> {
    this.stopHeartbeats();
    if (!this.memberId) return;
    const { groupId } = this.options;
    const memberId = this.memberId;
    this.memberId = '';
    this.generationId = -1;
    const conn = await this.cluster.coordinator(0, groupId);
    const version = conn.version(LEAVE_GROUP, 0, 4);
    const res = await conn.request<LeaveGroupResponse>(LEAVE_GROUP, version, version >= 3 ? { groupId, members: [{ memberId, groupInstanceId: null }] } : { groupId, memberId });
    if (res.errorCode !== ErrorCode.NONE && res.errorCode !== ErrorCode.UNKNOWN_MEMBER_ID) throw new KafkaProtocolError(res.errorCode, `leaving group '${groupId}'`);
  }

  /** Stops the background heartbeats (the session then expires unless the member rejoins or leaves). */
  stopHeartbeats(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private async joinGroup(): Promise<JoinGroupResponse> {
    const { groupId, sessionTimeoutMs, rebalanceTimeoutMs } = this.options;
    const w = new Writer(64);
    w.int16(0);
    encodeConsumerProtocolSubscription(w, 0, { topics: [...this.options.topics], userData: null });
    const metadata = w.toBuffer();
    for (;;) {
      const conn = await this.cluster.coordinator(0, groupId);
      const version = conn.version(JOIN_GROUP, 1, 7);
      const res = await conn.request<JoinGroupResponse>(
        JOIN_GROUP,
        version,
        { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId: this.memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: PROTOCOL, metadata }] },
        { timeoutMs: rebalanceTimeoutMs + 10_000 },
      );
      if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = res.memberId; // KIP-394: join again with the id the coordinator gave
        continue;
      }
      if (res.errorCode === ErrorCode.NOT_COORDINATOR || res.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.cluster.forgetCoordinator(0, groupId);
      if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, `joining group '${groupId}'`);
      this.memberId = res.memberId;
      this.generationId = res.generationId;
      return res;
    }
  }

  private async syncGroup(joined: JoinGroupResponse): Promise<TopicPartition[]> {
    const { groupId } = this.options;
    const assignments = joined.leader === this.memberId ? await this.assign(joined) : [];
    const conn = await this.cluster.coordinator(0, groupId);
    const version = conn.version(SYNC_GROUP, 0, 5);
    const res = await conn.request<SyncGroupResponse>(SYNC_GROUP, version, {
      groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: PROTOCOL,
      assignments,
    });
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, `syncing group '${groupId}'`);
    if (res.assignment.length === 0) return [];
    const r = new Reader(res.assignment);
    const v = r.int16();
    const decoded = decodeConsumerProtocolAssignment(r, Math.min(v, 3));
    return decoded.assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
  }

  /** The leader's part: the range assignment of every member's subscription. */
  private async assign(joined: JoinGroupResponse): Promise<{ memberId: string; assignment: Buffer }[]> {
    const subscriptions = new Map<string, string[]>();
    for (const m of joined.members) {
      const r = new Reader(m.metadata);
      const v = r.int16();
      subscriptions.set(m.memberId, decodeConsumerProtocolSubscription(r, Math.min(v, 3)).topics);
    }
    const topics = new Set<string>();
    for (const list of subscriptions.values()) for (const t of list) topics.add(t);
    await this.cluster.refresh(topics);
    const counts = new Map([...topics].map((t) => [t, this.cluster.partitions(t)?.length ?? 0]));
    const plan = rangeAssign(subscriptions, counts);
    return [...plan].map(([memberId, partitions]) => {
      const byTopic = new Map<string, number[]>();
      for (const tp of partitions) {
        let list = byTopic.get(tp.topic);
        if (!list) byTopic.set(tp.topic, (list = []));
        list.push(tp.partition);
      }
      const w = new Writer(64);
      w.int16(0);
      encodeConsumerProtocolAssignment(w, 0, { assignedPartitions: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })), userData: null });
      return { memberId, assignment: w.toBuffer() };
    });
  }

  private startHeartbeats(): void {
    this.stopHeartbeats();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private async heartbeat(): Promise<void> {
    if (this.heartbeating || !this.heartbeatTimer) return;
    this.heartbeating = true;
    const { groupId } = this.options;
    try {
      const conn = await this.cluster.coordinator(0, groupId);
      const res = await conn.request<HeartbeatResponse>(HEARTBEAT, conn.version(HEARTBEAT, 0, 4), { groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null });
      if (res.errorCode === ErrorCode.NONE) return;
      if (res.errorCode === ErrorCode.NOT_COORDINATOR || res.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE) {
        this.cluster.forgetCoordinator(0, groupId);
        return;
      }
      if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
        // keep heartbeating until the owner rejoins: a member that goes quiet for the session timeout is removed
        this.onRebalance('the group is rebalancing');
        return;
      }
      if (res.errorCode === ErrorCode.ILLEGAL_GENERATION || res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        if (res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
        this.stopHeartbeats();
        this.onRebalance(`this member is no longer in the group (${new KafkaProtocolError(res.errorCode, 'heartbeat').type})`);
        return;
      }
      this.options.logger.warn({ groupId, error: new KafkaProtocolError(res.errorCode, 'heartbeat').type }, 'heartbeat failed');
    } catch (e) {
      this.cluster.forgetCoordinator(0, groupId);
      this.options.logger.debug({ err: e }, 'heartbeat failed; trying again at the next interval');
    } finally {
      this.heartbeating = false;
    }
  }
}

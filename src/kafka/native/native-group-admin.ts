import { SluiceError } from '../../errors.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { decodeConsumerProtocolAssignment } from '../../protocol/generated/consumer-protocol-assignment.ts';
import type { DeleteGroupsResponse } from '../../protocol/generated/delete-groups.ts';
import type { DescribeGroupsResponse } from '../../protocol/generated/describe-groups.ts';
import type { FindCoordinatorResponse } from '../../protocol/generated/find-coordinator.ts';
import type { ListGroupsResponse } from '../../protocol/generated/list-groups.ts';
import type { OffsetCommitResponse } from '../../protocol/generated/offset-commit.ts';
import type { OffsetDeleteResponse } from '../../protocol/generated/offset-delete.ts';
import type { OffsetFetchResponse } from '../../protocol/generated/offset-fetch.ts';
import { Reader } from '../../protocol/primitives/reader.ts';
import {
  compareTopicPartitions,
  type GroupAdmin,
  type GroupDescription,
  type GroupListing,
  type GroupMemberDescription,
  type OffsetDeletion,
  type OffsetSpec,
  type TopicPartition,
} from '../group-admin.ts';
import type { CommitOffset } from '../group-consumer.ts';
import type { BrokerConnection } from './broker-connection.ts';
import type { Cluster } from './cluster.ts';
import { errorName, KafkaProtocolError } from './kafka-protocol-error.ts';
import { EARLIEST, LATEST, listOffsets } from './list-offsets.ts';

const OFFSET_COMMIT = 8;
const OFFSET_FETCH = 9;
const FIND_COORDINATOR = 10;
const DESCRIBE_GROUPS = 15;
const LIST_GROUPS = 16;
const DELETE_GROUPS = 42;
const OFFSET_DELETE = 47;
const GROUP_KEY = 0;
/** What a standalone commit to a group with members is answered with. */
const UNKNOWN_MEMBER_ID = 25;
const CONSUMER_PROTOCOL = 'consumer';

/** Codes that mean "ask the coordinator again" (it moved or is loading); withCoordinator retries them. */
const COORDINATOR_RETRY = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

/** Throws the code when the coordinator should be asked again, so `withCoordinator` retries. */
function retryOnCoordinatorMove(code: number, what: string): void {
  if (COORDINATOR_RETRY.has(code)) throw new KafkaProtocolError(code, what);
}

const key = (topic: string, partition: number): string => `${topic}:${partition}`;

/** Groups partitions by topic, as the requests list them. */
function perTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of partitions) {
    let list = out.get(p.topic);
    if (!list) out.set(p.topic, (list = []));
    list.push(p.partition);
  }
  return out;
}

/**
 * {@link GroupAdmin} on the native client's protocol codecs: each request goes to the group's
 * coordinator (found again when it moves), ListGroups to every broker.
 *
 * @example
 * ```ts
 * const groups = new NativeGroupAdmin(new Cluster({ brokerAddress, clientId: 'ops', logger }));
 * await groups.describeGroups(['word-count']);
 * ```
 */
export class NativeGroupAdmin implements GroupAdmin {
  constructor(private readonly cluster: Cluster) {}

  async listGroups(): Promise<GroupListing[]> {
    const { brokers } = await this.cluster.metadata([]);
    const answers = await Promise.all(
      brokers.map(async (b) => {
        const conn = await this.cluster.broker(b.nodeId);
        const version = conn.version(LIST_GROUPS, 0, 5);
        const res = await conn.request<ListGroupsResponse>(LIST_GROUPS, version, { statesFilter: [], typesFilter: [] });
        if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, `listing the groups of broker ${b.nodeId}`);
        return res.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: version >= 4 ? (g.groupState ?? null) : null }));
      }),
    );
    return answers.flat().filter((g) => g.protocolType === CONSUMER_PROTOCOL || g.protocolType === '');
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return Promise.all(groupIds.map((groupId) => this.describeGroup(groupId)));
  }

  async groupOffsets(groupId: string): Promise<CommitOffset[]> {
    const res = await this.cluster.withCoordinator(GROUP_KEY, groupId, async (conn) => {
      const answer = await conn.request<OffsetFetchResponse>(OFFSET_FETCH, conn.version(OFFSET_FETCH, 2, 7), { groupId, topics: null, requireStable: false });
      const code = answer.errorCode ?? ErrorCode.NONE;
      if (code !== ErrorCode.NONE) throw new KafkaProtocolError(code, `reading the committed offsets of group '${groupId}'`);
      return answer;
    });
    const out: CommitOffset[] = [];
    for (const t of res.topics ?? []) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(p.errorCode, `reading the committed offset of group '${groupId}' on topic '${t.name}' partition ${p.partitionIndex}`);
        if (p.committedOffset >= 0n) out.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) });
      }
    }
    return out.sort(compareTopicPartitions);
  }

  async alterGroupOffsets(groupId: string, offsets: readonly CommitOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const topics = [...perTopic(offsets)].map(([name]) => ({
      name,
      partitions: offsets.filter((o) => o.topic === name).map((o) => ({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: '' })),
    }));
    await this.cluster.withCoordinator(GROUP_KEY, groupId, async (conn) => {
      const res = await conn.request<OffsetCommitResponse>(OFFSET_COMMIT, conn.version(OFFSET_COMMIT, 2, 7), {
        groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics,
      });
      for (const t of res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode === ErrorCode.NONE) continue;
          const what = `setting the offset of group '${groupId}' on topic '${t.name}' partition ${p.partitionIndex}`;
          retryOnCoordinatorMove(p.errorCode, what);
          throw new KafkaProtocolError(p.errorCode, what, p.errorCode === UNKNOWN_MEMBER_ID ? 'the group has active members; stop them first' : null);
        }
      }
    });
  }

  async deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; error: string | null }[]> {
    return Promise.all(
      groupIds.map((groupId) =>
        this.cluster.withCoordinator(GROUP_KEY, groupId, async (conn) => {
          const res = await conn.request<DeleteGroupsResponse>(DELETE_GROUPS, conn.version(DELETE_GROUPS, 0, 2), { groupsNames: [groupId] });
          const code = res.results.find((r) => r.groupId === groupId)?.errorCode ?? ErrorCode.NONE;
          retryOnCoordinatorMove(code, `deleting group '${groupId}'`);
          return { groupId, error: code === ErrorCode.NONE ? null : errorName(code) };
        }),
      ),
    );
  }

  async deleteGroupOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<OffsetDeletion> {
    const res = await this.cluster.withCoordinator(GROUP_KEY, groupId, async (conn) => {
      if (!conn.supports(OFFSET_DELETE)) {
        throw new SluiceError(`deleting offsets of group '${groupId}' needs the OffsetDelete API (Kafka 2.4+), which broker ${conn.address} does not offer`);
      }
      const answer = await conn.request<OffsetDeleteResponse>(OFFSET_DELETE, 0, {
        groupId,
        topics: [...perTopic(partitions)].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex })) })),
      });
      retryOnCoordinatorMove(answer.errorCode, `deleting offsets of group '${groupId}'`);
      return answer;
    });
    const errors = new Map<string, number>();
    for (const t of res.topics) for (const p of t.partitions) errors.set(key(t.name, p.partitionIndex), p.errorCode);
    const name = (code: number | undefined): string | null => (code === undefined || code === ErrorCode.NONE ? null : errorName(code));
    return {
      error: name(res.errorCode),
      partitions: res.errorCode !== ErrorCode.NONE ? [] : partitions.map((p) => ({ ...p, error: name(errors.get(key(p.topic, p.partition))) })),
    };
  }

  async partitionOffsets(partitions: readonly TopicPartition[], spec: OffsetSpec): Promise<Map<string, number>> {
    if (partitions.length === 0) return new Map();
    const timestamp = spec === 'earliest' ? EARLIEST : spec === 'latest' ? LATEST : spec.timestamp;
    const found = await listOffsets(this.cluster, partitions.map((p) => ({ ...p, timestamp })), 'read_uncommitted');
    return new Map(partitions.map((p) => [key(p.topic, p.partition), found.get(`${p.topic}\u0000${p.partition}`) ?? -1]));
  }

  async topicPartitions(topics: readonly string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (topics.length === 0) return out;
    const { topics: described } = await this.cluster.metadata(topics);
    for (const t of described) {
      if (t.name === null || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) continue;
      if (t.errorCode !== ErrorCode.NONE && t.partitions.length === 0) throw new KafkaProtocolError(t.errorCode, `describing topic '${t.name}'`);
      out.set(t.name, t.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b));
    }
    return out;
  }

  async close(): Promise<void> {
    this.cluster.close();
  }

  private async describeGroup(groupId: string): Promise<GroupDescription> {
    const { coordinator, group: res } = await this.cluster.withCoordinator(GROUP_KEY, groupId, async (conn) => {
      const coordinator = await findCoordinator(conn, groupId);
      const answer = await conn.request<DescribeGroupsResponse>(DESCRIBE_GROUPS, conn.version(DESCRIBE_GROUPS, 0, 5), { groups: [groupId], includeAuthorizedOperations: false });
      const group = answer.groups.find((g) => g.groupId === groupId);
      if (group === undefined) throw new SluiceError(`describing group '${groupId}': the coordinator did not answer for it`);
      retryOnCoordinatorMove(group.errorCode, `describing group '${groupId}'`);
      return { coordinator, group };
    });
    if (res.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) {
      return { groupId, state: 'Dead', protocolType: '', assignmentStrategy: '', coordinator, members: [] };
    }
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, `describing group '${groupId}'`);
    if (res.protocolType !== CONSUMER_PROTOCOL && res.protocolType !== '') {
      throw new SluiceError(`group '${groupId}' is not a consumer group (its protocol type is '${res.protocolType}')`);
    }
    const members: GroupMemberDescription[] = res.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId ?? null,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: decodeAssignment(m.memberAssignment),
    }));
    return { groupId, state: res.groupState, protocolType: res.protocolType, assignmentStrategy: res.protocolData, coordinator, members };
  }
}

/** FindCoordinator for a group: the node answering for it (for `--state`'s COORDINATOR column). */
async function findCoordinator(conn: BrokerConnection, groupId: string): Promise<{ nodeId: number; host: string; port: number }> {
  const res = await conn.request<FindCoordinatorResponse>(FIND_COORDINATOR, conn.version(FIND_COORDINATOR, 0, 3), { key: groupId, keyType: GROUP_KEY });
  const code = res.errorCode ?? ErrorCode.NONE;
  if (code !== ErrorCode.NONE) throw new KafkaProtocolError(code, `finding the coordinator of group '${groupId}'`, res.errorMessage);
  return { nodeId: res.nodeId ?? -1, host: res.host ?? '', port: res.port ?? -1 };
}

/** A consumer-protocol assignment (version prefix, then the v0 fields every version starts with). */
function decodeAssignment(bytes: Uint8Array): TopicPartition[] {
  if (bytes.length === 0) return [];
  const r = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  r.int16();
  const decoded = decodeConsumerProtocolAssignment(r, 0);
  return decoded.assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))).sort(compareTopicPartitions);
}

import { ErrorCode } from '../../protocol/error-codes.ts';
import type { ListOffsetsResponse } from '../../protocol/generated/list-offsets.ts';
import type { IsolationLevel } from '../group-consumer.ts';
import type { Cluster } from './cluster.ts';
import { KafkaProtocolError } from './kafka-protocol-error.ts';

const LIST_OFFSETS = 2;

/** ListOffsets timestamps with a special meaning. */
export const EARLIEST = -2;
export const LATEST = -1;

/**
 * One partition to look an offset up for: `timestamp` -2 (earliest), -1 (latest: the high
 * watermark, or the last stable offset read_committed) or an epoch-ms time.
 *
 * @example
 * ```ts
 * const q: OffsetQuery = { topic: 'words', partition: 0, timestamp: EARLIEST };
 * ```
 */
export interface OffsetQuery {
  topic: string;
  partition: number;
  timestamp: number;
}

/**
 * Asks each partition's leader for the offset of `timestamp` (one ListOffsets request per leader).
 * Resolves with `topic\0partition` → offset; rejects with a KafkaProtocolError for a partition
 * that answered with an error (retriable when its leader moved).
 *
 * @example
 * ```ts
 * const ends = await listOffsets(cluster, [{ topic: 'words', partition: 0, timestamp: LATEST }], 'read_committed');
 * ends.get('words\u00000');
 * ```
 */
export async function listOffsets(cluster: Cluster, queries: readonly OffsetQuery[], isolationLevel: IsolationLevel): Promise<Map<string, number>> {
  await cluster.ensure(new Set(queries.map((q) => q.topic)));
  const byLeader = new Map<number, OffsetQuery[]>();
  for (const q of queries) {
    const leader = cluster.partitions(q.topic)?.[q.partition]?.leader ?? -1;
    if (leader < 0) {
      await cluster.refresh([q.topic]);
      throw new KafkaProtocolError(cluster.partitions(q.topic) ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `listing offsets of topic '${q.topic}' partition ${q.partition}`);
    }
    let list = byLeader.get(leader);
    if (!list) byLeader.set(leader, (list = []));
    list.push(q);
  }
  const out = new Map<string, number>();
  await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      const conn = await cluster.broker(leader);
      const version = conn.version(LIST_OFFSETS, isolationLevel === 'read_committed' ? 2 : 1, 7);
      const byTopic = new Map<string, { partitionIndex: number; timestamp: bigint; currentLeaderEpoch: number }[]>();
      for (const q of list) {
        let ps = byTopic.get(q.topic);
        if (!ps) byTopic.set(q.topic, (ps = []));
        ps.push({ partitionIndex: q.partition, timestamp: BigInt(q.timestamp), currentLeaderEpoch: -1 });
      }
      const res = await conn.request<ListOffsetsResponse>(LIST_OFFSETS, version, {
        replicaId: -1,
        isolationLevel: isolationLevel === 'read_committed' ? 1 : 0,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      });
      for (const t of res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE) {
            if (p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) void cluster.refresh([t.name]).catch(() => undefined);
            throw new KafkaProtocolError(p.errorCode, `listing offsets of topic '${t.name}' partition ${p.partitionIndex}`);
          }
          out.set(`${t.name}\u0000${p.partitionIndex}`, Number(p.offset ?? -1n));
        }
      }
    }),
  );
  return out;
}

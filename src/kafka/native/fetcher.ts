import type { Logger } from 'pino';
import { SluiceError } from '../../errors.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { FetchResponse } from '../../protocol/generated/fetch.ts';
import type { TopicPartition } from '../../topics/message-context.ts';
import type { ConsumedMessage } from '../consumed-message.ts';
import type { FetchedBatch, IsolationLevel } from '../group-consumer.ts';
import type { Cluster } from './cluster.ts';
import { FetchSession, type SessionPartition } from './fetch-session.ts';
import { decodeFetchedRecords } from './fetched-records.ts';
import { BrokerConnectionError, KafkaProtocolError } from './kafka-protocol-error.ts';
import { EARLIEST, LATEST, listOffsets } from './list-offsets.ts';

const FETCH = 1;
/** Errors after which the partition's leader is looked up again before the next fetch. */
const STALE_METADATA = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
]);

/**
 * Options of a {@link Fetcher}.
 *
 * @example
 * ```ts
 * const options: FetcherOptions = { cluster, logger, isolationLevel: 'read_committed', autoOffsetReset: 'earliest' };
 * ```
 */
export interface FetcherOptions {
  /** The consumer's own cluster view (not shared with a producer). */
  cluster: Cluster;
  logger: Logger;
  isolationLevel: IsolationLevel;
  /** Where a partition without a position starts; `none` fails instead. */
  autoOffsetReset: 'earliest' | 'latest' | 'none';
  /** Kafka's `fetch.max.wait.ms`; default 500. */
  maxWaitMs?: number;
  /** Kafka's `fetch.max.bytes` per request; default 16 MiB. */
  maxBytes?: number;
  /** Kafka's `max.partition.fetch.bytes`; default 1 MiB. */
  partitionMaxBytes?: number;
  /** Fetched bytes held ahead of the consumer before fetching pauses; default 16 MiB. */
  maxBufferedBytes?: number;
}

interface PartitionState {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  /** Next offset to fetch; undefined until it is reset by `autoOffsetReset`. */
  position: number | undefined;
  paused: boolean;
  /** Bumped on seek and pause: fetched batches of an older epoch are dropped. */
  epoch: number;
  fetching: boolean;
}

interface Buffered {
  readonly state: PartitionState;
  readonly epoch: number;
  readonly batch: FetchedBatch;
  readonly bytes: number;
}

/**
 * Fetches assigned partitions ahead of the consumer: one Fetch request at a time per leader with
 * every partition it leads (in an incremental fetch session where the broker offers one), decoded
 * straight into batches, held until {@link next} takes them; pausing, seeking and reassigning
 * drop what was fetched but not taken. At most `maxBufferedBytes` are held.
 *
 * @example
 * ```ts
 * const fetcher = new Fetcher({ cluster, logger, isolationLevel: 'read_committed', autoOffsetReset: 'earliest' });
 * fetcher.assign([{ topic: 'words', partition: 0, offset: 0 }]);
 * const batch = await fetcher.next();
 * ```
 */
export class Fetcher {
  private readonly cluster: Cluster;
  private readonly states = new Map<string, PartitionState>();
  private readonly buffer: Buffered[] = [];
  private bufferedBytes = 0;
  private readonly busyNodes = new Set<number>();
  private readonly sessions = new Map<number, FetchSession>();
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private resetting = false;
  private stopped = false;

  constructor(private readonly options: FetcherOptions) {
    this.cluster = options.cluster;
  }

  /** Replaces the assignment; `offset` undefined = start where `autoOffsetReset` says. */
  assign(partitions: readonly { topic: string; partition: number; offset: number | undefined }[]): void {
    const next = new Map<string, PartitionState>();
    for (const p of partitions) {
      const key = `${p.topic}\u0000${p.partition}`;
      const old = this.states.get(key);
      next.set(key, { key, topic: p.topic, partition: p.partition, position: p.offset, paused: old?.paused ?? false, epoch: (old?.epoch ?? 0) + 1, fetching: false });
    }
    this.states.clear();
    for (const [k, s] of next) this.states.set(k, s);
    this.schedule();
  }

  /** The partitions assigned. */
  assigned(): TopicPartition[] {
    return [...this.states.values()].map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const s = this.state(tp);
      if (!s || s.paused) continue;
      s.paused = true;
      this.rewindToFirstHeld(s);
    }
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const s = this.state(tp);
      if (s) s.paused = false;
    }
    this.schedule();
  }

  seek(tp: TopicPartition, offset: number): void {
    const s = this.state(tp);
    if (!s) throw new SluiceError(`cannot seek topic '${tp.topic}' partition ${tp.partition}: it is not assigned to this consumer`);
    s.position = offset;
    s.epoch++;
    this.schedule();
  }

  /** The next offset to fetch of an assigned partition (undefined before its position is known). */
  position(tp: TopicPartition): number | undefined {
    return this.state(tp)?.position;
  }

  /**
   * The next fetched batch, waiting for one; undefined once stopped or after `waitMs` without
   * one. Rejects with the error that made fetching impossible (e.g. an offset out of range with
   * `autoOffsetReset: 'none'`).
   */
  async next(waitMs = Infinity): Promise<FetchedBatch | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (this.failure) throw this.failure;
      while (this.buffer.length > 0) {
        const b = this.buffer.shift()!;
        this.bufferedBytes -= b.bytes;
        this.schedule();
        if (b.epoch === b.state.epoch && this.states.get(b.state.key) === b.state) return b.batch;
      }
      const left = deadline - Date.now();
      if (this.stopped || left <= 0) return undefined;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        this.waiter = r;
        if (left !== Infinity) timer = setTimeout(r, left);
      });
      clearTimeout(timer);
    }
  }

  /** Stops fetching; a waiting {@link next} resolves with undefined. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.wake();
  }

  private state(tp: TopicPartition): PartitionState | undefined {
    return this.states.get(`${tp.topic}\u0000${tp.partition}`);
  }

  /** A paused partition fetches again from its first record not taken yet. */
  private rewindToFirstHeld(s: PartitionState): void {
    const held = this.buffer.find((b) => b.state === s && b.epoch === s.epoch);
    if (held) s.position = held.batch.messages[0]!.offset;
    s.epoch++;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Starts a fetch from every leader that has fetchable partitions and none in flight. */
  private schedule(): void {
    if (this.stopped || this.failure || this.bufferedBytes >= (this.options.maxBufferedBytes ?? 16 * 1024 * 1024)) return;
    const byNode = new Map<number, PartitionState[]>();
    const noPosition: PartitionState[] = [];
    const noLeader = new Set<string>();
    for (const s of this.states.values()) {
      if (s.paused || s.fetching) continue;
      if (s.position === undefined) {
        noPosition.push(s);
        continue;
      }
      const leader = this.cluster.partitions(s.topic)?.[s.partition]?.leader ?? -1;
      if (leader < 0) {
        noLeader.add(s.topic);
        continue;
      }
      if (this.busyNodes.has(leader)) continue;
      let list = byNode.get(leader);
      if (!list) byNode.set(leader, (list = []));
      list.push(s);
    }
    for (const [node, list] of byNode) void this.fetchFrom(node, list);
    if (noPosition.length > 0) void this.resetPositions(noPosition);
    if (noLeader.size > 0) this.cluster.refresh(noLeader).then(() => this.retryLater(), () => this.retryLater());
  }

  private retryLater(ms = 100): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, ms);
  }

  private async resetPositions(states: PartitionState[]): Promise<void> {
    if (this.resetting) return;
    const policy = this.options.autoOffsetReset;
    if (policy === 'none') {
      this.fail(new SluiceError(`topic '${states[0]!.topic}' partition ${states[0]!.partition} has no committed offset (or it is out of range) and autoOffsetReset is 'none'`));
      return;
    }
    this.resetting = true;
    const epochs = states.map((s) => s.epoch);
    try {
      const found = await listOffsets(this.cluster, states.map((s) => ({ topic: s.topic, partition: s.partition, timestamp: policy === 'earliest' ? EARLIEST : LATEST })), this.options.isolationLevel);
      states.forEach((s, i) => {
        if (s.epoch === epochs[i] && s.position === undefined && this.states.get(s.key) === s) s.position = found.get(s.key);
      });
      this.resetting = false;
      this.schedule();
    } catch (e) {
      this.resetting = false;
      if ((e as { retriable?: boolean }).retriable) {
        this.options.logger.debug({ err: e }, 'listing offsets to reset positions failed; retrying');
        this.retryLater(200);
      } else this.fail(e as Error);
    }
  }

  private async fetchFrom(node: number, states: PartitionState[]): Promise<void> {
    this.busyNodes.add(node);
    for (const s of states) s.fetching = true;
    const requested = states.map((s) => ({ s, epoch: s.epoch, offset: s.position! }));
    let retry = false;
    try {
      const conn = await this.cluster.broker(node);
      const version = conn.version(FETCH, 4, 12);
      let session = this.sessions.get(node);
      if (!session) this.sessions.set(node, (session = new FetchSession(version >= 7)));
      const wanted: SessionPartition[] = requested.map((r) => ({ key: r.s.key, topic: r.s.topic, partition: r.s.partition, fetchOffset: r.offset }));
      const req = session.next(wanted);
      const partitionMaxBytes = this.options.partitionMaxBytes ?? 1024 * 1024;
      const topics = new Map<string, { partition: number; fetchOffset: bigint; partitionMaxBytes: number; currentLeaderEpoch: number; logStartOffset: bigint }[]>();
      for (const p of req.toSend) {
        let list = topics.get(p.topic);
        if (!list) topics.set(p.topic, (list = []));
        list.push({ partition: p.partition, fetchOffset: BigInt(p.fetchOffset), partitionMaxBytes, currentLeaderEpoch: -1, logStartOffset: -1n });
      }
      const forgotten = new Map<string, number[]>();
      for (const f of req.toForget) {
        let list = forgotten.get(f.topic);
        if (!list) forgotten.set(f.topic, (list = []));
        list.push(f.partition);
      }
      const maxWaitMs = this.options.maxWaitMs ?? 500;
      const res = await conn.request<FetchResponse>(
        FETCH,
        version,
        {
          replicaId: -1,
          maxWaitMs,
          minBytes: 1,
          maxBytes: this.options.maxBytes ?? 16 * 1024 * 1024,
          isolationLevel: this.options.isolationLevel === 'read_committed' ? 1 : 0,
          sessionId: req.sessionId,
          sessionEpoch: req.sessionEpoch,
          topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
          forgottenTopicsData: [...forgotten].map(([topic, partitions]) => ({ topic, partitions })),
          rackId: '',
        },
        { timeoutMs: maxWaitMs + 30_000 },
      );
      if (!session.answered(req, res.errorCode ?? 0, res.sessionId ?? 0)) {
        retry = true;
        return;
      }
      if ((res.errorCode ?? 0) !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode!, `fetching from broker ${conn.address}`);
      this.onResponse(res, new Map(requested.map((r) => [r.s.key, r])));
    } catch (e) {
      this.sessions.get(node)?.reset();
      if (e instanceof BrokerConnectionError || (e as { retriable?: boolean }).retriable) {
        this.options.logger.debug({ err: e, node }, 'fetch failed; retrying');
        void this.cluster.refresh(new Set(states.map((s) => s.topic))).catch(() => undefined);
        this.retryLater(200);
      } else this.fail(e as Error);
    } finally {
      this.busyNodes.delete(node);
      for (const s of states) s.fetching = false;
      if (retry || !this.retryTimer) this.schedule();
    }
  }

  private onResponse(res: FetchResponse, requested: Map<string, { s: PartitionState; epoch: number; offset: number }>): void {
    let added = false;
    let stale: Set<string> | undefined;
    for (const t of res.responses) {
      const topic = t.topic!;
      for (const p of t.partitions) {
        const key = `${topic}\u0000${p.partitionIndex}`;
        const r = requested.get(key);
        if (!r || r.s.epoch !== r.epoch || this.states.get(key) !== r.s) continue; // sought, paused or revoked meanwhile
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          this.options.logger.warn({ topic, partition: p.partitionIndex, offset: r.offset }, `fetch offset is out of range; resetting to the ${this.options.autoOffsetReset} offset`);
          r.s.position = undefined;
          continue;
        }
        if (STALE_METADATA.has(p.errorCode)) {
          (stale ??= new Set()).add(topic);
          continue;
        }
        if (p.errorCode !== ErrorCode.NONE) {
          this.fail(new KafkaProtocolError(p.errorCode, `fetching topic '${topic}' partition ${p.partitionIndex}`));
          return;
        }
        if (!p.records || p.records.length === 0) continue;
        const aborted = p.abortedTransactions ? p.abortedTransactions.map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })) : null;
        const { messages, nextOffset } = decodeFetchedRecords(p.records, r.offset, { abortedTransactions: this.options.isolationLevel === 'read_committed' ? (aborted ?? []) : null });
        if (nextOffset !== undefined && nextOffset > r.offset) r.s.position = nextOffset;
        if (messages.length === 0) continue;
        this.buffer.push({ state: r.s, epoch: r.epoch, batch: { topic, partition: p.partitionIndex, messages: messages as readonly ConsumedMessage[] }, bytes: p.records.length });
        this.bufferedBytes += p.records.length;
        added = true;
      }
    }
    if (stale) {
      void this.cluster.refresh(stale).catch(() => undefined);
      this.retryLater(100);
    }
    if (added) this.wake();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }
}

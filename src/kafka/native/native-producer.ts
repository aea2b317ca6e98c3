import type { Logger } from 'pino';
import { ConfigError, SluiceError } from '../../errors.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { InitProducerIdResponse } from '../../protocol/generated/init-producer-id.ts';
import type { ProduceResponse } from '../../protocol/generated/produce.ts';
import type { OutgoingRecord } from '../../topics/message-context.ts';
import type { RecordProducer, RecordProducerOptions } from '../record-producer.ts';
import { TopicLayoutError } from '../topic-layout-error.ts';
import type { Cluster } from './cluster.ts';
import { codecOf, compress, type CompressionType } from './compression.ts';
import { BrokerConnectionError, KafkaProtocolError } from './kafka-protocol-error.ts';
import { partitionForKey } from './murmur2.ts';
import { ProducerBatch, type Delivery } from './producer-batch.ts';
import { RecordBatchBuilder } from './record-batch-builder.ts';

const PRODUCE = 0;
const INIT_PRODUCER_ID = 22;
const MAX_SEQUENCE = 0x7fffffff;
/** How long `send` waits for a topic it has never seen to appear in the metadata. */
const UNKNOWN_TOPIC_WAIT_MS = 10_000;

/**
 * Options of a {@link NativeProducer}.
 *
 * @example
 * ```ts
 * const options: NativeProducerOptions = { cluster, logger, acks: -1, compression: 'gzip' };
 * ```
 */
export interface NativeProducerOptions extends RecordProducerOptions {
  /** The producer's own cluster view and connections. */
  cluster: Cluster;
  logger: Logger;
  /** -1 (all in-sync replicas, idempotent: the default), 1 (the leader) or 0 (no answer). */
  acks?: -1 | 0 | 1;
  /** Requests in flight per broker (Kafka's `max.in.flight.requests.per.connection`); default 5, at most 5. */
  maxInFlight?: number;
  /** Default `none`. */
  compression?: CompressionType;
  /** Most bytes of one Produce request (Kafka's `max.request.size`); default 1 MiB. */
  maxRequestBytes?: number;
  /** Pause before a retry (Kafka's `retry.backoff.ms`); default 100 ms. */
  retryBackoffMs?: number;
  /** Makes the producer transactional (used by {@link NativeTransactionalProducer}). */
  transaction?: ProducerTransaction;
}

/**
 * What a transactional producer supplies to the {@link NativeProducer} under it: the producer id
 * and epoch it got with its transactional id, and a step that adds partitions to the open
 * transaction before their first batch goes out (AddPartitionsToTxn).
 *
 * @example
 * ```ts
 * const transaction: ProducerTransaction = { transactionalId: 'app-0', identity: () => init(), addPartitions: (ps) => addToTxn(ps) };
 * ```
 */
export interface ProducerTransaction {
  readonly transactionalId: string;
  /** The producer id and epoch (InitProducerId with the transactional id). */
  identity(): Promise<{ producerId: number; producerEpoch: number }>;
  /** Resolves once every partition named is part of the open transaction. */
  addPartitions(partitions: readonly { topic: string; partition: number }[]): Promise<void>;
}

/** The batches of one partition waiting to go out, in order. */
interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  open: ProducerBatch | undefined;
  readonly ready: ProducerBatch[];
  inFlight: number;
  nextSequence: number;
  /** A batch failed and waits to be sent again: nothing newer goes out until the in-flight ones are back. */
  retrying: boolean;
}

/**
 * The native producer: records are written straight into per-partition record batches (keyed
 * records on their murmur2 partition, keyless ones on a sticky partition per batch, KIP-480),
 * batches go out when full (`batchBytes`) or after `lingerMs`, one batch per partition per
 * request and up to `maxInFlight` requests per broker. With acks -1 it is idempotent
 * (InitProducerId, a sequence per partition): a retried batch keeps its sequence, so retries
 * neither duplicate nor reorder records on a broker that checks sequences.
 *
 * @example
 * ```ts
 * const producer = new NativeProducer({ cluster: new Cluster({ brokerAddress, clientId, logger }), logger });
 * await producer.send([{ topic: 'words', key: Buffer.from('a'), value: Buffer.from('1'), headers: {}, timestamp: Date.now() }]);
 * await producer.close();
 * ```
 */
export class NativeProducer implements RecordProducer {
  private readonly cluster: Cluster;
  private readonly acks: -1 | 0 | 1;
  private readonly idempotent: boolean;
  private readonly maxInFlight: number;
  private readonly codec: number;
  private readonly batchBytes: number;
  private readonly maxRequestBytes: number;
  private readonly lingerMs: number;
  private readonly deliveryTimeoutMs: number;
  private readonly retryBackoffMs: number;
  private readonly queues = new Map<string, PartitionQueue[]>();
  private readonly active = new Set<PartitionQueue>();
  private readonly inFlightByNode = new Map<number, number>();
  private readonly writeOrder = new Map<number, Promise<unknown>>();
  private readonly sticky = new Map<string, number>();
  private producerId = -1;
  private producerEpoch = -1;
  private producerIdReady: Promise<void> | undefined;
  /** A batch failed for good: its sequence gap must be closed with a new producer id before more go out. */
  private resetNeeded = false;
  private drainScheduled = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private unsettled = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  /** Transactional only: a batch failed for good, so the transaction must be aborted; later sends fail with it. */
  private failedBatch: Error | undefined;
  private readonly transaction: ProducerTransaction | undefined;

  constructor(private readonly options: NativeProducerOptions) {
    this.cluster = options.cluster;
    this.acks = options.acks ?? -1;
    this.idempotent = this.acks === -1;
    this.maxInFlight = Math.min(5, Math.max(1, options.maxInFlight ?? (this.acks === 1 ? 1 : 5)));
    this.codec = codecOf(options.compression ?? 'none');
    this.batchBytes = options.batchBytes ?? 512 * 1024;
    this.maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
    this.lingerMs = options.lingerMs ?? 0;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
    this.transaction = options.transaction;
    if (this.transaction && this.acks !== -1) throw new ConfigError(`a transactional producer needs acks -1, got ${String(options.acks)}`);
    if (![-1, 0, 1].includes(this.acks)) throw new ConfigError(`producer option 'acks' must be -1, 0 or 1, got ${String(options.acks)}`);
  }

  send(records: readonly OutgoingRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new SluiceError('this producer is closed; create another one'));
    if (this.failedBatch) return Promise.reject(this.failedBatch);
    if (records.length === 0) return Promise.resolve();
    const unknown = this.unknownTopics(records);
    if (unknown.length > 0) return this.waitForTopics(unknown).then(() => this.send(records));
    for (const r of records) {
      if (r.partition === undefined) continue;
      const count = this.cluster.partitions(r.topic)!.length;
      if (r.partition >= count || r.partition < 0) {
        return Promise.reject(
          new TopicLayoutError(r.topic, `cannot write to partition ${r.partition} of topic '${r.topic}': it has ${count} partition(s). Recreate the topic with at least ${r.partition + 1} partitions.`),
        );
      }
    }
    return new Promise<void>((resolve, reject) => {
      const delivery: Delivery = { remaining: 0, settled: false, resolve, reject };
      for (const r of records) this.append(r, delivery);
      this.scheduleDrain();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduleDrain();
    if (this.unsettled > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    clearTimeout(this.wakeTimer);
    clearInterval(this.sweepTimer);
    this.cluster.close();
  }

  private unknownTopics(records: readonly OutgoingRecord[]): string[] {
    let unknown: Set<string> | undefined;
    let last = '';
    for (const r of records) {
      if (r.topic === last) continue;
      last = r.topic;
      if (this.cluster.partitions(r.topic) === undefined) (unknown ??= new Set()).add(r.topic);
    }
    return unknown ? [...unknown] : [];
  }

  /**
   * Looks topics up, waiting while the broker cannot be reached (up to the delivery timeout) and
   * while a topic is missing (up to {@link UNKNOWN_TOPIC_WAIT_MS}: it may just have been created).
   */
  private async waitForTopics(topics: string[]): Promise<void> {
    const started = Date.now();
    let unreachableSince: number | undefined;
    for (let pause = 50; ; pause = Math.min(pause * 2, 1000)) {
      try {
        await this.cluster.refresh(topics);
        unreachableSince = undefined;
      } catch (e) {
        if ((e as { retriable?: boolean }).retriable !== true) throw e;
        unreachableSince ??= Date.now();
        if (Date.now() + pause - unreachableSince > this.deliveryTimeoutMs) {
          throw new SluiceError(`cannot look up topic '${topics[0]}' for ${this.deliveryTimeoutMs} ms: ${(e as Error).message}; check that the broker is up and reachable`, { cause: e, retriable: true });
        }
        await new Promise((r) => setTimeout(r, pause));
        continue;
      }
      const missing = topics.filter((t) => this.cluster.partitions(t) === undefined);
      if (missing.length === 0) return;
      if (Date.now() + pause - started > UNKNOWN_TOPIC_WAIT_MS) {
        throw new TopicLayoutError(missing[0]!, `topic '${missing[0]}' does not exist on the broker (waited ${UNKNOWN_TOPIC_WAIT_MS} ms); create it first (npx sluice topics create ${missing[0]})`);
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  private append(r: OutgoingRecord, delivery: Delivery): void {
    const count = this.cluster.partitions(r.topic)!.length;
    const partition = r.partition ?? (r.key !== null ? partitionForKey(r.key, count) : this.stickyPartition(r.topic, count));
    const q = this.queue(r.topic, partition);
    const size = RecordBatchBuilder.recordSize(r.key, r.value, r.headers);
    let b = q.open;
    if (b && b.builder.size + size > this.batchBytes) {
      this.closeOpen(q);
      b = undefined;
    }
    if (!b) {
      b = q.open = new ProducerBatch(r.topic, partition, Math.min(this.batchBytes, Math.max(size + 128, 16 * 1024)));
      this.active.add(q);
      this.unsettled++;
    }
    b.append(r.key, r.value, r.headers, r.timestamp, delivery);
    if (b.builder.size >= this.batchBytes) this.closeOpen(q);
  }

  private stickyPartition(topic: string, count: number): number {
    let p = this.sticky.get(topic);
    if (p === undefined || p >= count) {
      const parts = this.cluster.partitions(topic)!;
      const available = parts.filter((x) => x.leader >= 0);
      const pool = available.length > 0 ? available : parts;
      p = pool[Math.floor(Math.random() * pool.length)]!.partition;
      this.sticky.set(topic, p);
    }
    return p;
  }

  private queue(topic: string, partition: number): PartitionQueue {
    let byPartition = this.queues.get(topic);
    if (!byPartition) this.queues.set(topic, (byPartition = []));
    let q = byPartition[partition];
    if (!q) byPartition[partition] = q = { topic, partition, open: undefined, ready: [], inFlight: 0, nextSequence: 0, retrying: false };
    return q;
  }

  /** Closes the open batch of a partition; the next keyless record of the topic picks a new sticky partition. */
  private closeOpen(q: PartitionQueue): void {
    if (!q.open) return;
    q.ready.push(q.open);
    q.open = undefined;
    if (this.sticky.get(q.topic) === q.partition) this.sticky.delete(q.topic);
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => this.drain());
    this.sweepTimer ??= setInterval(() => this.expire(), 1000).unref();
  }

  /** Sends what is ready: per broker with a free slot, one request with at most one batch per partition. */
  private drain(): void {
    this.drainScheduled = false;
    if (this.resetNeeded) {
      this.resetWhenQuiet();
      return;
    }
    const now = Date.now();
    const requests = new Map<number, { batches: ProducerBatch[]; bytes: number }>();
    let wakeAt = Infinity;
    const missingLeaders = new Set<string>();
    for (const q of this.active) {
      if (q.retrying && q.inFlight > 0) continue;
      const leader = this.cluster.partitions(q.topic)?.[q.partition]?.leader ?? -1;
      if (leader < 0) {
        missingLeaders.add(q.topic);
        continue;
      }
      if (!requests.has(leader) && (this.inFlightByNode.get(leader) ?? 0) >= this.maxInFlight) continue;
      if (q.ready.length === 0 && q.open) {
        if (this.closed || now - q.open.createdAt >= this.lingerMs) this.closeOpen(q);
        else {
          wakeAt = Math.min(wakeAt, q.open.createdAt + this.lingerMs);
          continue;
        }
      }
      const b = q.ready[0];
      if (!b) {
        if (!q.open) this.active.delete(q);
        continue;
      }
      if (b.notBefore > now) {
        wakeAt = Math.min(wakeAt, b.notBefore);
        continue;
      }
      let req = requests.get(leader);
      if (req && req.bytes + b.builder.size > this.maxRequestBytes) continue;
      if (!req) requests.set(leader, (req = { batches: [], bytes: 0 }));
      q.ready.shift();
      if (b.baseSequence < 0 && this.idempotent) {
        b.baseSequence = q.nextSequence;
        q.nextSequence = (q.nextSequence + b.count) % (MAX_SEQUENCE + 1);
      }
      q.retrying = false;
      q.inFlight++;
      req.batches.push(b);
      req.bytes += b.builder.size;
    }
    for (const [node, req] of requests) this.sendRequest(node, req.batches);
    if (missingLeaders.size > 0) {
      this.cluster.refresh(missingLeaders).then(
        () => this.scheduleDrainAfter(this.retryBackoffMs),
        () => this.scheduleDrainAfter(this.retryBackoffMs),
      );
    } else if (requests.size > 0 && this.active.size > 0) this.scheduleDrain();
    if (wakeAt !== Infinity) this.scheduleDrainAfter(wakeAt - now);
  }

  private scheduleDrainAfter(ms: number): void {
    if (this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.scheduleDrain();
    }, Math.max(0, ms));
  }

  private sendRequest(nodeId: number, batches: ProducerBatch[]): void {
    this.inFlightByNode.set(nodeId, (this.inFlightByNode.get(nodeId) ?? 0) + 1);
    for (const b of batches) b.attempts++;
    const encoded = this.encode(batches);
    // Requests to one broker are written in the order they were drained (sequence order).
    const written = Promise.all([this.writeOrder.get(nodeId), encoded]).then(async () => {
      const conn = await this.cluster.broker(nodeId);
      const version = conn.version(PRODUCE, 3, 9);
      const byTopic = new Map<string, { index: number; records: Buffer }[]>();
      for (const b of batches) {
        let list = byTopic.get(b.topic);
        if (!list) byTopic.set(b.topic, (list = []));
        list.push({ index: b.partition, records: b.bytes! });
      }
      const topicData = [...byTopic].map(([name, partitionData]) => ({ name, partitionData }));
      return { answer: conn.request<ProduceResponse | undefined>(PRODUCE, version, { transactionalId: this.transaction?.transactionalId ?? null, acks: this.acks, timeoutMs: 30_000, topicData }, { expectResponse: this.acks !== 0 }) };
    });
    this.writeOrder.set(nodeId, written.catch(() => undefined));
    written
      .then(({ answer }) => answer)
      .then(
        (res) => this.onAnswer(batches, res),
        (e: unknown) => {
          for (const b of batches) this.onBatchError(b, e instanceof Error ? e : new Error(String(e)));
        },
      )
      .finally(() => {
        this.inFlightByNode.set(nodeId, this.inFlightByNode.get(nodeId)! - 1);
        for (const b of batches) this.queue(b.topic, b.partition).inFlight--;
        this.scheduleDrain();
      });
  }

  private async encode(batches: ProducerBatch[]): Promise<void> {
    if (this.idempotent) await this.ensureProducerId();
    if (this.transaction) await this.transaction.addPartitions(batches);
    for (const b of batches) {
      if (b.bytes) continue;
      const stamp = { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence: this.idempotent ? b.baseSequence : -1, transactional: this.transaction !== undefined };
      b.bytes = this.codec === 0 ? b.builder.finish(stamp) : b.builder.finish(stamp, { codec: this.codec, bytes: await compress(this.codec, b.builder.records()) });
    }
  }

  private onAnswer(batches: ProducerBatch[], res: ProduceResponse | undefined): void {
    if (!res) {
      for (const b of batches) this.settle(b, undefined);
      return;
    }
    const results = new Map<string, { errorCode: number; errorMessage?: string | null }>();
    for (const t of res.responses) for (const p of t.partitionResponses) results.set(`${t.name}\u0000${p.index}`, p);
    for (const b of batches) {
      const r = results.get(`${b.topic}\u0000${b.partition}`);
      if (!r) this.onBatchError(b, new SluiceError(`the broker's Produce answer has no result for topic '${b.topic}' partition ${b.partition}`, { retriable: true }));
      else if (r.errorCode === ErrorCode.NONE || r.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) this.settle(b, undefined);
      else this.onBatchError(b, new KafkaProtocolError(r.errorCode, `producing ${b.count} record(s) to topic '${b.topic}' partition ${b.partition}`, r.errorMessage));
    }
  }

  private onBatchError(b: ProducerBatch, error: Error): void {
    const q = this.queue(b.topic, b.partition);
    // A later batch of a partition whose earlier batch failed is answered out of order: retry it too.
    const outOfOrderAfterRetry = error instanceof KafkaProtocolError && error.code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && q.retrying;
    const retriable = (error as { retriable?: boolean }).retriable === true || outOfOrderAfterRetry;
    const expired = Date.now() + this.retryBackoffMs > b.createdAt + this.deliveryTimeoutMs;
    if (retriable && !expired && this.acks !== 0) {
      if (error instanceof KafkaProtocolError && (error.code === ErrorCode.NOT_LEADER_OR_FOLLOWER || error.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || error.code === ErrorCode.LEADER_NOT_AVAILABLE)) {
        void this.cluster.refresh([b.topic]).catch(() => undefined);
      }
      if (error instanceof BrokerConnectionError) void this.cluster.refresh([b.topic]).catch(() => undefined);
      if (b.attempts === 1) this.options.logger.warn({ err: error, topic: b.topic, partition: b.partition }, 'produce failed; retrying');
      b.notBefore = Date.now() + this.retryBackoffMs;
      // back into the queue in sequence order, ahead of the batches not sent yet
      let i = 0;
      while (i < q.ready.length && q.ready[i]!.baseSequence >= 0 && q.ready[i]!.baseSequence < b.baseSequence) i++;
      q.ready.splice(i, 0, b);
      q.retrying = true;
      this.active.add(q);
      this.scheduleDrainAfter(this.retryBackoffMs);
      return;
    }
    const final =
      retriable && expired
        ? new SluiceError(`producing ${b.count} record(s) to topic '${b.topic}' partition ${b.partition} failed for ${this.deliveryTimeoutMs} ms (${b.attempts} attempts): ${error.message}; check that the broker is up and reachable`, { cause: error, retriable: true })
        : error;
    if (this.transaction) this.failTransaction(final);
    else if (this.idempotent && b.baseSequence >= 0) this.resetNeeded = true;
    this.settle(b, final);
  }

  /**
   * Transactional: a batch failed for good, so the transaction can only be aborted. Batches not in
   * flight fail with the same error (their records must not land in a later transaction), and so
   * does every `send` until {@link restartSequences}.
   */
  private failTransaction(error: Error): void {
    this.failedBatch ??= error;
    for (const q of this.active) {
      if (q.open) this.closeOpen(q);
      for (const b of q.ready.splice(0)) this.settle(b, error);
    }
  }

  /** Transactional: the failure of a batch that leaves the open transaction only an abort, if one failed. */
  get transactionFailure(): Error | undefined {
    return this.failedBatch;
  }

  /**
   * Waits until every record sent so far is acknowledged or failed (a transaction's commit or
   * abort waits for this).
   *
   * @example
   * ```ts
   * await producer.flush();
   * ```
   */
  flush(): Promise<void> {
    if (this.unsettled === 0) return Promise.resolve();
    this.scheduleDrain();
    return new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /**
   * Transactional: after the producer epoch was bumped (a transaction aborted after a failed batch,
   * KIP-360), sequences start at 0 again and sends are accepted again. Call only after
   * {@link flush}.
   *
   * @example
   * ```ts
   * await producer.flush();
   * producer.restartSequences({ producerId, producerEpoch });
   * ```
   */
  restartSequences(identity: { producerId: number; producerEpoch: number }): void {
    this.failedBatch = undefined;
    this.producerId = identity.producerId;
    this.producerEpoch = identity.producerEpoch;
    for (const byPartition of this.queues.values()) for (const q of byPartition) if (q) q.nextSequence = 0;
  }

  private settle(b: ProducerBatch, error: Error | undefined): void {
    if (error) b.fail(error);
    else b.succeed();
    this.unsettled--;
    if (this.unsettled === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Fails batches that waited longer than the delivery timeout without being in flight. */
  private expire(): void {
    const now = Date.now();
    for (const q of this.active) {
      while (q.ready.length > 0 && q.ready[0]!.createdAt + this.deliveryTimeoutMs < now && q.inFlight === 0) {
        const b = q.ready.shift()!;
        const error = new SluiceError(`producing ${b.count} record(s) to topic '${b.topic}' partition ${b.partition} timed out after ${this.deliveryTimeoutMs} ms; check that the broker is up and the partition has a leader`, { retriable: true });
        if (this.transaction) this.failTransaction(error);
        else if (this.idempotent && b.baseSequence >= 0) this.resetNeeded = true;
        this.settle(b, error);
      }
    }
    if (this.unsettled === 0 && this.closed) clearInterval(this.sweepTimer);
  }

  /** After a batch failed for good: once nothing is in flight, a new producer id restarts every sequence. */
  private resetWhenQuiet(): void {
    for (const n of this.inFlightByNode.values()) if (n > 0) return; // the last answer schedules a drain
    this.resetNeeded = false;
    this.producerIdReady = undefined;
    for (const byPartition of this.queues.values()) {
      for (const q of byPartition) {
        if (!q) continue;
        q.nextSequence = 0;
        for (const b of q.ready) {
          b.baseSequence = -1;
          b.bytes = undefined;
        }
      }
    }
    this.options.logger.warn('a produce failed for good; the producer takes a new producer id so that later sequences start over');
    this.scheduleDrain();
  }

  private ensureProducerId(): Promise<void> {
    this.producerIdReady ??= (async () => {
      if (this.transaction) {
        ({ producerId: this.producerId, producerEpoch: this.producerEpoch } = await this.transaction.identity());
        return;
      }
      const res = await this.cluster.withAnyBroker(async (conn) => {
        const version = conn.version(INIT_PRODUCER_ID, 0, 4);
        return conn.request<InitProducerIdResponse>(INIT_PRODUCER_ID, version, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      });
      if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'getting a producer id (InitProducerId)');
      this.producerId = Number(res.producerId);
      this.producerEpoch = res.producerEpoch;
    })().catch((e: unknown) => {
      this.producerIdReady = undefined;
      throw e;
    });
    return this.producerIdReady;
  }
}

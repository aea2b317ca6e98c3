import { SluiceError } from '../../errors.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { AddOffsetsToTxnResponse } from '../../protocol/generated/add-offsets-to-txn.ts';
import type { AddPartitionsToTxnResponse } from '../../protocol/generated/add-partitions-to-txn.ts';
import type { EndTxnResponse } from '../../protocol/generated/end-txn.ts';
import type { TxnOffsetCommitResponse } from '../../protocol/generated/txn-offset-commit.ts';
import type { OutgoingRecord } from '../../topics/message-context.ts';
import type { CommitOffset, GroupMetadata } from '../group-consumer.ts';
import { ProducerFencedError } from '../producer-fenced-error.ts';
import type { TransactionalProducer, TransactionalProducerOptions } from '../transactional-producer.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import { KafkaProtocolError } from './kafka-protocol-error.ts';
import { NativeProducer } from './native-producer.ts';
import { TransactionCoordinatorCalls } from './transaction-coordinator-calls.ts';

const ADD_PARTITIONS_TO_TXN = 24;
const ADD_OFFSETS_TO_TXN = 25;
const END_TXN = 26;
const TXN_OFFSET_COMMIT = 28;

type State = 'new' | 'ready' | 'open' | 'fenced' | 'closed';

/**
 * The {@link TransactionalProducer} of the native client, as Kafka's Java producer does it:
 * `begin` registers the transactional id once (FindCoordinator key type 1, InitProducerId — which
 * fences any older producer with the same id and aborts its open transaction); records go out
 * through a {@link NativeProducer} whose batches carry the producer id, epoch and the
 * transactional flag, each partition added to the transaction (AddPartitionsToTxn) before its first
 * batch; `sendOffsets` adds the group (AddOffsetsToTxn) and commits the offsets on the group
 * coordinator with the consumer's generation and member id (TxnOffsetCommit v3+, KIP-447), so a
 * member that lost its partitions in a rebalance cannot commit them; `commit`/`abort` wait for the
 * records in flight, then EndTxn. CONCURRENT_TRANSACTIONS, a coordinator that moved or is loading
 * are retried; PRODUCER_FENCED and INVALID_PRODUCER_EPOCH become a {@link ProducerFencedError}
 * and the producer refuses everything after it. A batch that failed for good leaves the
 * transaction only `abort`; the abort then bumps the epoch (InitProducerId with the current id and
 * epoch, KIP-360) so the sequences start over.
 *
 * @example
 * ```ts
 * const tx = new NativeTransactionalProducer({ brokerAddress, clientId: 'app', logger }, { transactionalId: 'app-0' });
 * await tx.begin();
 * await tx.send(records);
 * await tx.sendOffsets([{ topic: 'in', partition: 0, offset: 42 }], consumer.groupMetadata());
 * await tx.commit();
 * await tx.close();
 * ```
 */
export class NativeTransactionalProducer implements TransactionalProducer {
  readonly supportsGroupMetadata = true;
  private readonly transactionalId: string;
  private readonly transactionTimeoutMs: number;
  private readonly cluster: Cluster;
  private readonly calls: TransactionCoordinatorCalls;
  private readonly producer: NativeProducer;
  private state: State = 'new';
  private fencedBy: ProducerFencedError | undefined;
  private identity = { producerId: -1, producerEpoch: -1 };
  /** Partitions of the open transaction (`topic\0partition`). */
  private readonly partitions = new Set<string>();
  private addChain: Promise<void> = Promise.resolve();
  /** Whether the coordinator knows of the open transaction (a partition or group was added). */
  private started = false;

  constructor(clusterOptions: ClusterOptions, options: TransactionalProducerOptions) {
    if (typeof options.transactionalId !== 'string' || options.transactionalId === '') {
      throw new SluiceError(`transactional producer option 'transactionalId' must be a non-empty string, got ${JSON.stringify(options.transactionalId)}`);
    }
    const timeout = options.transactionTimeoutMs ?? 60_000;
    if (!Number.isInteger(timeout) || timeout <= 0) {
      throw new SluiceError(`transactional producer option 'transactionTimeoutMs' must be a positive integer (ms), got ${String(options.transactionTimeoutMs)}`);
    }
    this.transactionalId = options.transactionalId;
    this.transactionTimeoutMs = timeout;
    this.cluster = new Cluster(clusterOptions);
    this.calls = new TransactionCoordinatorCalls(this.cluster, this.transactionalId, (what, cause) => this.fence(what, cause));
    this.producer = new NativeProducer({
      cluster: this.cluster,
      logger: clusterOptions.logger,
      transaction: {
        transactionalId: this.transactionalId,
        identity: async () => this.identity,
        addPartitions: (partitions) => this.addPartitions(partitions),
      },
    });
  }

  async begin(): Promise<void> {
    this.assertUsable('begin a transaction');
    if (this.state === 'open') throw new SluiceError(`transactional producer '${this.transactionalId}' already has an open transaction; commit or abort it before beginning another`);
    if (this.state === 'new') {
      this.identity = await this.calls.initProducerId(this.transactionTimeoutMs, undefined);
    }
    this.state = 'open';
    this.started = false;
    this.partitions.clear();
  }

  send(records: readonly OutgoingRecord[]): Promise<void> {
    try {
      this.assertOpen('send records');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.producer.send(records).catch((e: unknown) => {
      throw this.fencedOr(e, `sending records in transaction '${this.transactionalId}'`);
    });
  }

  async sendOffsets(offsets: readonly CommitOffset[], group: GroupMetadata): Promise<void> {
    this.assertOpen('add offsets to the transaction');
    if (offsets.length === 0) return;
    await this.calls.call<AddOffsetsToTxnResponse>(
      `adding the offsets of group '${group.groupId}' to transaction '${this.transactionalId}' (AddOffsetsToTxn)`,
      { keyType: 1, key: this.transactionalId },
      { apiKey: ADD_OFFSETS_TO_TXN, minVersion: 0, maxVersion: 4 },
      () => ({ transactionalId: this.transactionalId, producerId: BigInt(this.identity.producerId), producerEpoch: this.identity.producerEpoch, groupId: group.groupId }),
      (res) => [res.errorCode],
    );
    this.started = true;
    const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
    for (const o of offsets) {
      let list = byTopic.get(o.topic);
      if (!list) byTopic.set(o.topic, (list = []));
      list.push({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: '' });
    }
    const withGeneration = group.generationId >= 0;
    await this.calls.call<TxnOffsetCommitResponse>(
      `committing offsets of group '${group.groupId}' in transaction '${this.transactionalId}' (TxnOffsetCommit)`,
      { keyType: 0, key: group.groupId },
      // KIP-447: the generation and member id need v3; a broker without it cannot fence by group.
      { apiKey: TXN_OFFSET_COMMIT, minVersion: withGeneration ? 3 : 0, maxVersion: 4 },
      () => ({
        transactionalId: this.transactionalId,
        groupId: group.groupId,
        producerId: BigInt(this.identity.producerId),
        producerEpoch: this.identity.producerEpoch,
        generationId: group.generationId,
        memberId: group.memberId,
        groupInstanceId: group.groupInstanceId,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      }),
      (res) => res.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)),
    );
  }

  async commit(): Promise<void> {
    this.assertOpen('commit');
    await this.producer.flush();
    const failure = this.producer.transactionFailure;
    if (failure) {
      const e = this.fencedOr(failure, `committing transaction '${this.transactionalId}'`);
      if (e instanceof ProducerFencedError) throw e;
      throw new SluiceError(`cannot commit transaction '${this.transactionalId}': a send in it failed (${failure.message}); abort the transaction`, { cause: failure });
    }
    if (this.started) await this.endTxn(true);
    this.state = 'ready';
  }

  async abort(): Promise<void> {
    this.assertOpen('abort');
    await this.producer.flush();
    const failure = this.producer.transactionFailure;
    if (failure && this.fencedOr(failure, `aborting transaction '${this.transactionalId}'`) instanceof ProducerFencedError) throw this.fencedBy!;
    if (this.started) await this.endTxn(false);
    if (failure) {
      // A failed batch left a gap in the sequences: a new epoch starts them over (KIP-360).
      this.identity = await this.calls.initProducerId(this.transactionTimeoutMs, this.identity);
      this.producer.restartSequences(this.identity);
    }
    this.state = 'ready';
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.producer.close();
  }

  private async endTxn(committed: boolean): Promise<void> {
    await this.calls.call<EndTxnResponse>(
      `${committed ? 'committing' : 'aborting'} transaction '${this.transactionalId}' (EndTxn)`,
      { keyType: 1, key: this.transactionalId },
      { apiKey: END_TXN, minVersion: 0, maxVersion: 4 },
      () => ({ transactionalId: this.transactionalId, producerId: BigInt(this.identity.producerId), producerEpoch: this.identity.producerEpoch, committed }),
      (res) => [res.errorCode],
    );
    this.started = false;
    this.partitions.clear();
  }

  /** Adds partitions to the open transaction (one AddPartitionsToTxn at a time), before their first batch goes out. */
  private addPartitions(partitions: readonly { topic: string; partition: number }[]): Promise<void> {
    if (this.fencedBy) return Promise.reject(this.fencedBy);
    if (partitions.every((p) => this.partitions.has(`${p.topic}\u0000${p.partition}`))) return Promise.resolve();
    const run = this.addChain
      .catch(() => undefined)
      .then(async () => {
        const missing = new Map<string, { topic: string; partition: number }>();
        for (const p of partitions) {
          const key = `${p.topic}\u0000${p.partition}`;
          if (!this.partitions.has(key)) missing.set(key, p);
        }
        if (missing.size === 0) return;
        const byTopic = new Map<string, number[]>();
        for (const p of missing.values()) {
          let list = byTopic.get(p.topic);
          if (!list) byTopic.set(p.topic, (list = []));
          list.push(p.partition);
        }
        const topics = [...byTopic].map(([name, ps]) => ({ name, partitions: ps }));
        await this.calls.call<AddPartitionsToTxnResponse>(
          `adding ${missing.size} partition(s) of topic '${topics[0]!.name}' to transaction '${this.transactionalId}' (AddPartitionsToTxn)`,
          { keyType: 1, key: this.transactionalId },
          // v4+ is for brokers only (verifyOnly); clients speak up to v3.
          { apiKey: ADD_PARTITIONS_TO_TXN, minVersion: 0, maxVersion: 3 },
          () => ({ v3AndBelowTransactionalId: this.transactionalId, v3AndBelowProducerId: BigInt(this.identity.producerId), v3AndBelowProducerEpoch: this.identity.producerEpoch, v3AndBelowTopics: topics }),
          (res) => (res.resultsByTopicV3AndBelow ?? []).flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode)),
        );
        this.started = true;
        for (const key of missing.keys()) this.partitions.add(key);
      });
    this.addChain = run;
    return run;
  }

  private fence(what: string, cause: unknown): ProducerFencedError {
    if (this.state !== 'closed') this.state = 'fenced';
    this.fencedBy ??= new ProducerFencedError(this.transactionalId, what, cause);
    return this.fencedBy;
  }

  /** The fenced error when `e` says the producer was fenced (its own or a broker's answer), else `e`. */
  private fencedOr(e: unknown, what: string): unknown {
    if (e instanceof ProducerFencedError) return this.fence(what, e.cause);
    if (e instanceof KafkaProtocolError && (e.code === ErrorCode.PRODUCER_FENCED || e.code === ErrorCode.INVALID_PRODUCER_EPOCH)) return this.fence(what, e);
    return e;
  }

  private assertUsable(what: string): void {
    if (this.fencedBy) throw this.fencedBy;
    if (this.state === 'closed') throw new SluiceError(`cannot ${what}: transactional producer '${this.transactionalId}' is closed; create another one`);
  }

  private assertOpen(what: string): void {
    this.assertUsable(what);
    if (this.state !== 'open') throw new SluiceError(`cannot ${what}: transactional producer '${this.transactionalId}' has no open transaction; call begin() first`);
  }
}

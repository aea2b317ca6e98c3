import { ErrorCode } from '../../protocol/error-codes.ts';
import type { InitProducerIdResponse } from '../../protocol/generated/init-producer-id.ts';
import type { Cluster } from './cluster.ts';
import { KafkaProtocolError } from './kafka-protocol-error.ts';

const INIT_PRODUCER_ID = 22;
/** How long one transaction API call keeps retrying (Kafka's `max.block.ms` default). */
const CALL_TIMEOUT_MS = 60_000;

/** Answers the call is repeated on, after a pause (the Java producer's retriable transaction errors). */
const RETRIED = new Set<number>([
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.REQUEST_TIMED_OUT,
]);
/** Answers that send the call to a coordinator found again. */
const MOVED = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);
const FENCED = new Set<number>([ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH]);
/** A TxnOffsetCommit whose generation or member the group no longer has (KIP-447 fencing by the group). */
const STALE_MEMBER = new Set<number>([ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.FENCED_INSTANCE_ID]);

/**
 * Which request a {@link TransactionCoordinatorCalls.call} sends, in which versions.
 *
 * @example
 * ```ts
 * const api: TransactionApi = { apiKey: 26, minVersion: 0, maxVersion: 4 }; // EndTxn
 * ```
 */
export interface TransactionApi {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/**
 * The requests of a transactional producer to its transaction coordinator (and, for
 * TxnOffsetCommit, the group coordinator), retried as Kafka's clients retry them:
 * CONCURRENT_TRANSACTIONS (the previous transaction is still completing), a coordinator that
 * is loading, moved or cannot be reached, an unknown partition — with growing pauses, up to 60 s.
 * PRODUCER_FENCED / INVALID_PRODUCER_EPOCH go to `onFenced`, whose error is thrown.
 *
 * @example
 * ```ts
 * const calls = new TransactionCoordinatorCalls(cluster, 'app-0', (what, cause) => new ProducerFencedError('app-0', what, cause));
 * const { producerId, producerEpoch } = await calls.initProducerId(60_000, undefined);
 * ```
 */
export class TransactionCoordinatorCalls {
  constructor(
    private readonly cluster: Cluster,
    private readonly transactionalId: string,
    private readonly onFenced: (what: string, cause: KafkaProtocolError) => Error,
  ) {}

  /**
   * InitProducerId with the transactional id: fences older producers of the id and aborts their
   * open transaction. With `current` (v3+, KIP-360) it bumps this producer's own epoch instead and
   * answers PRODUCER_FENCED when a newer producer took the id meanwhile.
   *
   * @example
   * ```ts
   * const identity = await calls.initProducerId(60_000, { producerId: 4000, producerEpoch: 2 });
   * ```
   */
  async initProducerId(transactionTimeoutMs: number, current: { producerId: number; producerEpoch: number } | undefined): Promise<{ producerId: number; producerEpoch: number }> {
    const res = await this.call<InitProducerIdResponse>(
      current ? `bumping the epoch of transactional id '${this.transactionalId}' (InitProducerId)` : `registering transactional id '${this.transactionalId}' (InitProducerId)`,
      { keyType: 1, key: this.transactionalId },
      { apiKey: INIT_PRODUCER_ID, minVersion: current ? 3 : 0, maxVersion: 5 },
      () => ({
        transactionalId: this.transactionalId,
        transactionTimeoutMs,
        producerId: current ? BigInt(current.producerId) : -1n,
        producerEpoch: current ? current.producerEpoch : -1,
      }),
      (r) => [r.errorCode],
    );
    return { producerId: Number(res.producerId), producerEpoch: res.producerEpoch };
  }

  /**
   * Sends a request to the coordinator of `target` (key type 0: group, 1: transactional id) and
   * returns the answer once `codes` of it are all NONE, retrying what Kafka's clients retry.
   *
   * @example
   * ```ts
   * await calls.call<EndTxnResponse>('committing', { keyType: 1, key: 'app-0' }, { apiKey: 26, minVersion: 0, maxVersion: 4 }, () => body, (r) => [r.errorCode]);
   * ```
   */
  async call<T>(what: string, target: { keyType: 0 | 1; key: string }, api: TransactionApi, body: () => unknown, codes: (res: T) => number[]): Promise<T> {
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    for (let pause = 20; ; pause = Math.min(pause * 2, 1000)) {
      const res = await this.cluster.withCoordinator(
        target.keyType,
        target.key,
        async (conn) => {
          const answer = await conn.request<T>(api.apiKey, conn.version(api.apiKey, api.minVersion, api.maxVersion), body());
          const moved = codes(answer).find((c) => MOVED.has(c));
          if (moved !== undefined) throw new KafkaProtocolError(moved, what); // withCoordinator finds the coordinator again
          return answer;
        },
        Math.max(1, deadline - Date.now()),
      );
      const failing = codes(res).filter((c) => c !== ErrorCode.NONE && c !== ErrorCode.OPERATION_NOT_ATTEMPTED);
      if (failing.length === 0) return res;
      const fenced = failing.find((c) => FENCED.has(c));
      if (fenced !== undefined) throw this.onFenced(what, new KafkaProtocolError(fenced, what));
      const stale = failing.find((c) => STALE_MEMBER.has(c));
      if (stale !== undefined) {
        throw new KafkaProtocolError(stale, what, 'the consumer group rebalanced since the generation these offsets were read in; abort the transaction and go on with the partitions the group assigns now');
      }
      const fatal = failing.find((c) => !RETRIED.has(c));
      if (fatal !== undefined) throw new KafkaProtocolError(fatal, what);
      if (Date.now() + pause > deadline) throw new KafkaProtocolError(failing[0]!, `${what} (retried for ${CALL_TIMEOUT_MS} ms)`);
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

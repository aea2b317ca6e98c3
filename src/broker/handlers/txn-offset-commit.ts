import type { ApiHandler, RequestContext } from '../handler.ts';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/generated/txn-offset-commit.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { MAX_OFFSET_METADATA_LENGTH } from '../coordinator/group-offsets.ts';

/**
 * TxnOffsetCommit (key 28), v0–4: consumer offsets committed inside a transaction, applied when it
 * commits and dropped when it aborts; until then OffsetFetch with requireStable answers
 * UNSTABLE_OFFSET_COMMIT for them. v3+ carries the consumer's generation, member id and instance
 * id, checked against the group (KIP-447: a consumer that lost its partitions in a rebalance cannot
 * commit for them). A fenced producer gets INVALID_PRODUCER_EPOCH.
 *
 * @example
 * ```ts
 * registry.set(txnOffsetCommitHandler.apiKey, txnOffsetCommitHandler);
 * ```
 */
export const txnOffsetCommitHandler: ApiHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse> = {
  apiKey: 28,
  name: 'TxnOffsetCommit',
  implemented: { min: 0, max: 4 },
  advertised: { min: 0, max: 4 },
  handle(req: TxnOffsetCommitRequest, ctx: RequestContext): TxnOffsetCommitResponse {
    const { storage, coordinator, transactions } = ctx.broker;
    const known = (topic: string, partition: number) => storage.partition(topic, partition) !== undefined;
    const tooLarge = (metadata: string | null) => (metadata ?? '').length > MAX_OFFSET_METADATA_LENGTH;
    let errorCode = coordinator.validateTxnOffsetCommit({
      groupId: req.groupId, generationId: req.generationId ?? -1, memberId: req.memberId ?? '', groupInstanceId: req.groupInstanceId ?? null,
    });
    if (errorCode === ErrorCode.NONE) {
      const offsets = req.topics.flatMap((t) => t.partitions
        .filter((p) => known(t.name, p.partitionIndex) && !tooLarge(p.committedMetadata))
        .map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), leaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.committedMetadata ?? '' })));
      errorCode = transactions.commitOffsets({
        transactionalId: req.transactionalId, producerId: Number(req.producerId), producerEpoch: req.producerEpoch, groupId: req.groupId, offsets,
      });
      if (errorCode === ErrorCode.PRODUCER_FENCED) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
    }
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: !known(t.name, p.partitionIndex) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            : tooLarge(p.committedMetadata) ? ErrorCode.OFFSET_METADATA_TOO_LARGE
            : errorCode,
        })),
      })),
    };
  },
};

import type { ApiHandler } from '../handler.ts';
import { createApiVersionsHandler } from './api-versions.ts';
import { produceHandler } from './produce.ts';
import { fetchHandler } from './fetch.ts';
import { listOffsetsHandler } from './list-offsets.ts';
import { metadataHandler } from './metadata.ts';
import { createTopicsHandler } from './create-topics.ts';
import { deleteTopicsHandler } from './delete-topics.ts';
import { deleteRecordsHandler } from './delete-records.ts';
import { initProducerIdHandler } from './init-producer-id.ts';
import { addPartitionsToTxnHandler } from './add-partitions-to-txn.ts';
import { addOffsetsToTxnHandler } from './add-offsets-to-txn.ts';
import { endTxnHandler } from './end-txn.ts';
import { txnOffsetCommitHandler } from './txn-offset-commit.ts';
import { describeProducersHandler } from './describe-producers.ts';
import { describeTransactionsHandler } from './describe-transactions.ts';
import { listTransactionsHandler } from './list-transactions.ts';
import { writeTxnMarkersHandler } from './write-txn-markers.ts';
import { describeConfigsHandler } from './describe-configs.ts';
import { alterConfigsHandler } from './alter-configs.ts';
import { createPartitionsHandler } from './create-partitions.ts';
import { findCoordinatorHandler } from './find-coordinator.ts';
import { joinGroupHandler } from './join-group.ts';
import { syncGroupHandler } from './sync-group.ts';
import { heartbeatHandler } from './heartbeat.ts';
import { leaveGroupHandler } from './leave-group.ts';
import { offsetCommitHandler } from './offset-commit.ts';
import { offsetFetchHandler } from './offset-fetch.ts';
import { describeGroupsHandler } from './describe-groups.ts';
import { listGroupsHandler } from './list-groups.ts';
import { deleteGroupsHandler } from './delete-groups.ts';
import { offsetDeleteHandler } from './offset-delete.ts';

/**
 * Builds the broker's registry: API key → handler. The ApiVersions answer is built from it, so
 * registering a handler is all it takes to serve and advertise an API. `extra` handlers (e.g.
 * in tests) replace built-in ones with the same key.
 *
 * @example
 * ```ts
 * const handlers = createHandlerRegistry();
 * handlers.get(0)?.name; // 'Produce'
 * ```
 */
export function createHandlerRegistry(extra: readonly ApiHandler[] = []): Map<number, ApiHandler> {
  const registry = new Map<number, ApiHandler>();
  const add = (h: ApiHandler<never, unknown>): void => {
    registry.set(h.apiKey, h as ApiHandler);
  };
  for (const h of [
    produceHandler, fetchHandler, listOffsetsHandler, metadataHandler, createTopicsHandler, deleteTopicsHandler,
    deleteRecordsHandler, initProducerIdHandler, describeConfigsHandler, alterConfigsHandler, createPartitionsHandler,
    findCoordinatorHandler, joinGroupHandler, syncGroupHandler, heartbeatHandler, leaveGroupHandler, offsetCommitHandler,
    offsetFetchHandler, describeGroupsHandler, listGroupsHandler, deleteGroupsHandler, offsetDeleteHandler,
    addPartitionsToTxnHandler, addOffsetsToTxnHandler, endTxnHandler, txnOffsetCommitHandler,
    describeProducersHandler, describeTransactionsHandler, listTransactionsHandler, writeTxnMarkersHandler,
  ]) add(h);
  for (const h of extra) add(h);
  add(createApiVersionsHandler(registry));
  return registry;
}

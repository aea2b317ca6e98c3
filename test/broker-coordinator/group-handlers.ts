import type { ApiHandler } from '../../src/broker/handler.ts';
import { deleteGroupsHandler } from '../../src/broker/handlers/delete-groups.ts';
import { describeGroupsHandler } from '../../src/broker/handlers/describe-groups.ts';
import { findCoordinatorHandler } from '../../src/broker/handlers/find-coordinator.ts';
import { heartbeatHandler } from '../../src/broker/handlers/heartbeat.ts';
import { joinGroupHandler } from '../../src/broker/handlers/join-group.ts';
import { leaveGroupHandler } from '../../src/broker/handlers/leave-group.ts';
import { listGroupsHandler } from '../../src/broker/handlers/list-groups.ts';
import { offsetCommitHandler } from '../../src/broker/handlers/offset-commit.ts';
import { offsetFetchHandler } from '../../src/broker/handlers/offset-fetch.ts';
import { offsetDeleteHandler } from '../../src/broker/handlers/offset-delete.ts';
import { syncGroupHandler } from '../../src/broker/handlers/sync-group.ts';

/** Every group API handler (passed as extra handlers so the tests do not depend on the registry). */
export const GROUP_HANDLERS: readonly ApiHandler[] = [
  findCoordinatorHandler,
  joinGroupHandler,
  syncGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  describeGroupsHandler,
  listGroupsHandler,
  deleteGroupsHandler,
  offsetDeleteHandler,
] as readonly ApiHandler<never, unknown>[] as readonly ApiHandler[];

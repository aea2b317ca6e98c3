import type { ApiHandler, RequestContext } from '../handler.ts';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/generated/delete-groups.ts';

/**
 * DeleteGroups (key 42), v0–1: deletes groups without members together with their committed
 * offsets; NON_EMPTY_GROUP for a group with members, GROUP_ID_NOT_FOUND for an unknown one.
 *
 * @example
 * ```ts
 * registry.set(deleteGroupsHandler.apiKey, deleteGroupsHandler);
 * ```
 */
export const deleteGroupsHandler: ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: 42,
  name: 'DeleteGroups',
  implemented: { min: 0, max: 1 },
  advertised: { min: 0, max: 1 },
  handle(req: DeleteGroupsRequest, ctx: RequestContext): DeleteGroupsResponse {
    return { throttleTimeMs: 0, results: ctx.broker.coordinator.deleteGroups(req.groupsNames) };
  },
};

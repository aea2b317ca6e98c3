import type { ApiHandler, RequestContext } from '../handler.ts';
import type { ListGroupsRequest, ListGroupsResponse } from '../../protocol/generated/list-groups.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * ListGroups (key 16), v0–2: every group this broker coordinates, including groups that only
 * have committed offsets left.
 *
 * @example
 * ```ts
 * registry.set(listGroupsHandler.apiKey, listGroupsHandler);
 * ```
 */
export const listGroupsHandler: ApiHandler<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: 16,
  name: 'ListGroups',
  implemented: { min: 0, max: 2 },
  advertised: { min: 0, max: 2 },
  handle(req: ListGroupsRequest, ctx: RequestContext): ListGroupsResponse {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: ctx.broker.coordinator.listGroups(req.statesFilter ?? []).map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.state,
        groupType: 'classic',
      })),
    };
  },
};

import type { ApiHandler, RequestContext } from '../handler.ts';
import type { ListGroupsRequest, ListGroupsResponse } from '../../protocol/generated/list-groups.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/** The only group type this broker has: the classic JoinGroup/SyncGroup protocol. */
const CLASSIC = 'classic';

/**
 * ListGroups (key 16), v0–5: every group this broker coordinates, including groups that only
 * have committed offsets left; v4 adds each group's state and a filter by state
 * (case-insensitive), v5 the group type (always `classic` here) and a filter by type.
 *
 * @example
 * ```ts
 * registry.set(listGroupsHandler.apiKey, listGroupsHandler);
 * ```
 */
export const listGroupsHandler: ApiHandler<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: 16,
  name: 'ListGroups',
  implemented: { min: 0, max: 5 },
  advertised: { min: 0, max: 5 },
  handle(req: ListGroupsRequest, ctx: RequestContext): ListGroupsResponse {
    const types = (req.typesFilter ?? []).map((t) => t.toLowerCase());
    const listed = types.length === 0 || types.includes(CLASSIC) ? ctx.broker.coordinator.listGroups(req.statesFilter ?? []) : [];
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: listed.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.state,
        groupType: CLASSIC,
      })),
    };
  },
};

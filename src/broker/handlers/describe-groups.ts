import type { ApiHandler, RequestContext } from '../handler.ts';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/generated/describe-groups.ts';
import { asBuffer } from '../coordinator/as-buffer.ts';

/**
 * DescribeGroups (key 15), v0–5 (v3 asks for authorized operations, answered as "not
 * provided" since the broker has no ACLs; v4 adds members' group instance ids): state ("Empty", "PreparingRebalance", "CompletingRebalance",
 * "Stable", "Dead"), protocol type, chosen protocol and members; member metadata and assignment
 * are filled while the group is Stable. An unknown group is described as Dead.
 *
 * @example
 * ```ts
 * registry.set(describeGroupsHandler.apiKey, describeGroupsHandler);
 * ```
 */
export const describeGroupsHandler: ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: 15,
  name: 'DescribeGroups',
  implemented: { min: 0, max: 5 },
  advertised: { min: 0, max: 5 },
  handle(req: DescribeGroupsRequest, ctx: RequestContext): DescribeGroupsResponse {
    return {
      throttleTimeMs: 0,
      groups: ctx.broker.coordinator.describeGroups(req.groups).map((g) => ({
        errorCode: g.errorCode,
        groupId: g.groupId,
        groupState: g.state,
        protocolType: g.protocolType,
        protocolData: g.protocol,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: asBuffer(m.metadata),
          memberAssignment: asBuffer(m.assignment),
        })),
        authorizedOperations: -2147483648,
      })),
    };
  },
};

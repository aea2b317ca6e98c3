import type { ApiHandler, RequestContext } from '../handler.ts';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/generated/leave-group.ts';

/**
 * LeaveGroup (key 13), v0–1: removes one member, which makes the group rebalance. The answer's
 * error is the group's error, else the member's (UNKNOWN_MEMBER_ID for a stranger).
 *
 * @example
 * ```ts
 * registry.set(leaveGroupHandler.apiKey, leaveGroupHandler);
 * ```
 */
export const leaveGroupHandler: ApiHandler<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: 13,
  name: 'LeaveGroup',
  implemented: { min: 0, max: 1 },
  advertised: { min: 0, max: 1 },
  handle(req: LeaveGroupRequest, ctx: RequestContext): LeaveGroupResponse {
    const result = ctx.broker.coordinator.leaveGroup(req.groupId, [{ memberId: req.memberId ?? '', groupInstanceId: null }]);
    const errorCode = result.errorCode !== 0 ? result.errorCode : (result.members[0]?.errorCode ?? 0);
    return { throttleTimeMs: 0, errorCode };
  },
};

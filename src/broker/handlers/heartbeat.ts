import type { ApiHandler, RequestContext } from '../handler.ts';
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/generated/heartbeat.ts';

/**
 * Heartbeat (key 12), v0–3: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to
 * rejoin, ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID that it was fenced out.
 *
 * @example
 * ```ts
 * registry.set(heartbeatHandler.apiKey, heartbeatHandler);
 * ```
 */
export const heartbeatHandler: ApiHandler<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: 12,
  name: 'Heartbeat',
  implemented: { min: 0, max: 3 },
  advertised: { min: 0, max: 3 },
  handle(req: HeartbeatRequest, ctx: RequestContext): HeartbeatResponse {
    const errorCode = ctx.broker.coordinator.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
    });
    return { throttleTimeMs: 0, errorCode };
  },
};

import type { ApiHandler, RequestContext } from '../handler.ts';
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/generated/sync-group.ts';
import { asBuffer } from '../coordinator/as-buffer.ts';

/**
 * SyncGroup (key 14), v0–3: the leader sends every member's assignment; each member (leader
 * included) is answered with its own once the leader's SyncGroup has arrived.
 *
 * @example
 * ```ts
 * registry.set(syncGroupHandler.apiKey, syncGroupHandler);
 * ```
 */
export const syncGroupHandler: ApiHandler<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: 14,
  name: 'SyncGroup',
  implemented: { min: 0, max: 3 },
  advertised: { min: 0, max: 3 },
  async handle(req: SyncGroupRequest, ctx: RequestContext): Promise<SyncGroupResponse> {
    const result = await ctx.broker.coordinator.syncGroup({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      protocolType: req.protocolType ?? null,
      protocolName: req.protocolName ?? null,
      // Copied: the decoded bytes may be views into the connection's read buffer.
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: asBuffer(result.assignment),
    };
  },
};

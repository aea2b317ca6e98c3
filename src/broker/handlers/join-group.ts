import type { ApiHandler, RequestContext } from '../handler.ts';
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/generated/join-group.ts';
import { asBuffer } from '../coordinator/as-buffer.ts';

/**
 * JoinGroup (key 11), v0–5: hands the member to the group coordinator and answers when the join
 * phase of the rebalance completes. From v4 a member without id first gets MEMBER_ID_REQUIRED
 * with an id to rejoin with. Static membership (`groupInstanceId`) is recorded, not enforced.
 *
 * @example
 * ```ts
 * registry.set(joinGroupHandler.apiKey, joinGroupHandler);
 * ```
 */
export const joinGroupHandler: ApiHandler<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: 11,
  name: 'JoinGroup',
  implemented: { min: 0, max: 5 },
  advertised: { min: 0, max: 5 },
  async handle(req: JoinGroupRequest, ctx: RequestContext): Promise<JoinGroupResponse> {
    const result = await ctx.broker.coordinator.joinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      clientId: ctx.clientId ?? '',
      clientHost: clientHost(ctx.peer),
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs ?? -1,
      protocolType: req.protocolType,
      // Copied: the decoded bytes may be views into the connection's read buffer.
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      requireKnownMemberId: ctx.apiVersion >= 4,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Nullable only from v7; older versions carry an empty string.
      protocolName: ctx.apiVersion >= 7 ? result.protocolName : (result.protocolName ?? ''),
      leader: result.leader,
      skipAssignment: false,
      memberId: result.memberId,
      members: result.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        metadata: asBuffer(m.metadata),
      })),
    };
  },
};

/** The client's address as Kafka reports it in DescribeGroups: `/` + host, without the port. */
function clientHost(peer: string): string {
  const colon = peer.lastIndexOf(':');
  const host = colon > 0 ? peer.slice(0, colon) : peer;
  return `/${host.startsWith('::ffff:') ? host.slice(7) : host}`;
}

import type { ApiHandler, RequestContext } from '../handler.ts';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/generated/find-coordinator.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

const GROUP = 0;
const TRANSACTION = 1;

/**
 * FindCoordinator (key 10), v0–2: this single broker coordinates every consumer group (key type 0)
 * and every transactional id (key type 1); other key types are INVALID_REQUEST.
 *
 * @example
 * ```ts
 * registry.set(findCoordinatorHandler.apiKey, findCoordinatorHandler);
 * ```
 */
export const findCoordinatorHandler: ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: 10,
  name: 'FindCoordinator',
  implemented: { min: 0, max: 2 },
  advertised: { min: 0, max: 2 },
  handle(req: FindCoordinatorRequest, ctx: RequestContext): FindCoordinatorResponse {
    const keyType = req.keyType ?? GROUP;
    if (keyType !== GROUP && keyType !== TRANSACTION) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `Unknown coordinator key type ${keyType} for key '${req.key ?? ''}'; use 0 (group) or 1 (transaction).`,
        nodeId: -1,
        host: '',
        port: -1,
      };
    }
    const { nodeId, host, port } = ctx.broker.identity;
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host, port };
  },
};

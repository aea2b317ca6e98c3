import type { ApiHandler } from '../handler.ts';
import type { ApiVersion, ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/generated/api-versions.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * The advertised version range of every registered API, sorted by key: the body of ApiVersions.
 *
 * @example
 * ```ts
 * advertisedApiVersions(registry); // [{ apiKey: 0, minVersion: 0, maxVersion: 7 }, ...]
 * ```
 */
export function advertisedApiVersions(handlers: ReadonlyMap<number, ApiHandler>): ApiVersion[] {
  return [...handlers.values()]
    .map((h) => ({ apiKey: h.apiKey, minVersion: h.advertised.min, maxVersion: h.advertised.max }))
    .sort((a, b) => a.apiKey - b.apiKey);
}

/**
 * ApiVersions (key 18), v0–4: answers the version ranges built from the handler registry. (A
 * version above 4 is answered by the connection in v0 with UNSUPPORTED_VERSION.)
 *
 * @example
 * ```ts
 * registry.set(18, createApiVersionsHandler(registry));
 * ```
 */
export function createApiVersionsHandler(handlers: ReadonlyMap<number, ApiHandler>): ApiHandler<ApiVersionsRequest, ApiVersionsResponse> {
  return {
    apiKey: 18,
    name: 'ApiVersions',
    implemented: { min: 0, max: 4 },
    advertised: { min: 0, max: 4 },
    handle: () => ({ errorCode: ErrorCode.NONE, apiKeys: advertisedApiVersions(handlers), throttleTimeMs: 0 }),
  };
}

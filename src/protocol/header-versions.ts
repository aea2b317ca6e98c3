import { API_CODECS } from './generated/index.ts';

const API_VERSIONS_KEY = 18;

function isFlexible(apiKey: number, apiVersion: number): boolean {
  const flexibleMin = API_CODECS.get(apiKey)?.flexibleMin;
  return flexibleMin !== undefined && flexibleMin !== null && apiVersion >= flexibleMin;
}

/**
 * Version of the request header for a request: 2 for flexible versions (tagged fields), else 1.
 *
 * @example
 * ```ts
 * requestHeaderVersion(18, 3); // 2
 * ```
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

/**
 * Version of the response header: 1 for flexible versions, else 0 — and always 0 for ApiVersions,
 * so a client can read it before it knows which versions the broker speaks.
 *
 * @example
 * ```ts
 * responseHeaderVersion(3, 9); // 1
 * responseHeaderVersion(18, 3); // 0
 * ```
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

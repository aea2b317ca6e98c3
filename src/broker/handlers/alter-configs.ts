import type { ApiHandler, RequestContext } from '../handler.ts';
import type { AlterConfigsRequest, AlterConfigsResponse, AlterConfigsResourceResponse } from '../../protocol/generated/alter-configs.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { isKnownTopicConfig } from './topic-configs.ts';
import { RESOURCE_TOPIC } from './describe-configs.ts';

/**
 * AlterConfigs (key 33), v0–1: replaces a topic's whole set of explicit configs (configs not
 * listed return to their defaults), or only validates (`validate_only`). Broker configs are
 * static: altering them answers INVALID_REQUEST.
 *
 * @example
 * ```ts
 * registry.set(alterConfigsHandler.apiKey, alterConfigsHandler);
 * ```
 */
export const alterConfigsHandler: ApiHandler<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: 33,
  name: 'AlterConfigs',
  implemented: { min: 0, max: 1 },
  advertised: { min: 0, max: 1 },
  handle(req: AlterConfigsRequest, ctx: RequestContext): AlterConfigsResponse {
    const { storage, log } = ctx.broker;
    const responses = req.resources.map((res): AlterConfigsResourceResponse => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      if (res.resourceType !== RESOURCE_TOPIC) {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'only topic configs can be altered on this broker; broker configs are static' };
      }
      const topic = storage.topic(res.resourceName);
      if (!topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${res.resourceName}" does not exist` };
      const unknown = res.configs.find((c) => !isKnownTopicConfig(c.name));
      if (unknown) return { ...base, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `unknown topic config "${unknown.name}"` };
      if (!req.validateOnly) {
        const next: Record<string, string | null> = {};
        for (const name of Object.keys(topic.configs)) next[name] = null;
        for (const c of res.configs) next[c.name] = c.value;
        storage.alterConfigs(res.resourceName, next);
        log.info({ topic: res.resourceName, configs: next }, 'topic configs altered');
      }
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
    });
    return { throttleTimeMs: 0, responses };
  },
};

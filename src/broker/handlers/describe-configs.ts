import type { ApiHandler, RequestContext } from '../handler.ts';
import type { DescribeConfigsRequest, DescribeConfigsResponse, DescribeConfigsResult, DescribeConfigsResourceResult } from '../../protocol/generated/describe-configs.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { TOPIC_CONFIG_DEFAULTS } from './topic-configs.ts';

/** Config resource types of DescribeConfigs/AlterConfigs. */
export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;
const SOURCE_TOPIC = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;

function entry(name: string, value: string, source: number, isDefault: boolean): DescribeConfigsResourceResult {
  return { name, value, readOnly: false, isDefault, configSource: source, isSensitive: false, synonyms: [], configType: 0, documentation: null };
}

function brokerConfigs(ctx: RequestContext): Record<string, string> {
  const { config } = ctx.broker;
  return {
    'broker.id': String(ctx.broker.identity.nodeId),
    'num.partitions': String(config.defaultPartitions),
    'auto.create.topics.enable': String(config.autoCreateTopics),
    'socket.request.max.bytes': String(config.maxFrameBytes),
    'group.initial.rebalance.delay.ms': String(config.groupInitialRebalanceDelayMs),
    'default.replication.factor': '1',
    'offsets.topic.replication.factor': '1',
    'log.retention.ms': TOPIC_CONFIG_DEFAULTS['retention.ms'],
    'log.segment.bytes': TOPIC_CONFIG_DEFAULTS['segment.bytes'],
    'log.cleanup.policy': TOPIC_CONFIG_DEFAULTS['cleanup.policy'],
    'message.max.bytes': TOPIC_CONFIG_DEFAULTS['max.message.bytes'],
  };
}

/**
 * DescribeConfigs (key 32), v0–2: topic configs (explicit ones with source TOPIC_CONFIG, the
 * rest with their defaults) and this broker's static configs. `configuration_keys` filters.
 *
 * @example
 * ```ts
 * registry.set(describeConfigsHandler.apiKey, describeConfigsHandler);
 * ```
 */
export const describeConfigsHandler: ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: 32,
  name: 'DescribeConfigs',
  implemented: { min: 0, max: 2 },
  advertised: { min: 0, max: 2 },
  handle(req: DescribeConfigsRequest, ctx: RequestContext): DescribeConfigsResponse {
    const results = req.resources.map((res): DescribeConfigsResult => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      const wanted = (name: string): boolean => res.configurationKeys === null || res.configurationKeys.length === 0 || res.configurationKeys.includes(name);
      if (res.resourceType === RESOURCE_TOPIC) {
        const topic = ctx.broker.storage.topic(res.resourceName);
        if (!topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${res.resourceName}" does not exist`, configs: [] };
        const configs = Object.keys({ ...TOPIC_CONFIG_DEFAULTS, ...topic.configs })
          .sort()
          .filter(wanted)
          .map((name) =>
            Object.hasOwn(topic.configs, name)
              ? entry(name, topic.configs[name], SOURCE_TOPIC, false)
              : entry(name, TOPIC_CONFIG_DEFAULTS[name], SOURCE_DEFAULT, true),
          );
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
      }
      if (res.resourceType === RESOURCE_BROKER) {
        if (res.resourceName !== '' && res.resourceName !== String(ctx.broker.identity.nodeId)) {
          return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `broker "${res.resourceName}" is not this broker (${ctx.broker.identity.nodeId})`, configs: [] };
        }
        const all = brokerConfigs(ctx);
        const configs = Object.keys(all).filter(wanted).map((name) => ({ ...entry(name, all[name], SOURCE_STATIC_BROKER, false), readOnly: true }));
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
      }
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${res.resourceType} is not supported; use 2 (topic) or 4 (broker)`, configs: [] };
    });
    return { throttleTimeMs: 0, results };
  },
};

import type { ApiHandler, RequestContext } from '../handler.ts';
import type { TopicInfo } from '../storage/log-storage.ts';
import type { MetadataRequest, MetadataResponse, MetadataResponseTopic } from '../../protocol/generated/metadata.ts';
import { findOrCreateTopic } from './auto-create-topic.ts';

function describeTopic(t: TopicInfo, nodeId: number): MetadataResponseTopic {
  const partitions = [];
  for (let p = 0; p < t.partitions; p++) {
    partitions.push({ errorCode: 0, partitionIndex: p, leaderId: nodeId, leaderEpoch: 0, replicaNodes: [nodeId], isrNodes: [nodeId], offlineReplicas: [] });
  }
  return { errorCode: 0, name: t.name, topicId: t.topicId, isInternal: false, partitions, topicAuthorizedOperations: -2147483648 };
}

/**
 * Metadata (key 3), v0–4: this single broker, the cluster id, and the requested topics (all when
 * the list is null, or empty in v0). Unknown topics are auto-created when the request allows it
 * (v4 `allow_auto_topic_creation`; always before v4) and the broker's `autoCreateTopics` is on.
 *
 * @example
 * ```ts
 * registry.set(metadataHandler.apiKey, metadataHandler);
 * ```
 */
export const metadataHandler: ApiHandler<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: 'Metadata',
  implemented: { min: 0, max: 4 },
  advertised: { min: 0, max: 4 },
  handle(req: MetadataRequest, ctx: RequestContext): MetadataResponse {
    const { broker } = ctx;
    const { nodeId, host, port, clusterId } = broker.identity;
    const all = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
    const allowCreate = broker.config.autoCreateTopics && (ctx.apiVersion < 4 || req.allowAutoTopicCreation !== false);
    const topics: MetadataResponseTopic[] = [];
    if (all) {
      for (const t of broker.storage.topics()) topics.push(describeTopic(t, nodeId));
    } else {
      for (const { name } of req.topics!) {
        const found = findOrCreateTopic(broker, name ?? '', allowCreate);
        topics.push(
          found.topic
            ? describeTopic(found.topic, nodeId)
            : { errorCode: found.errorCode, name: name ?? '', isInternal: false, partitions: [] },
        );
      }
    }
    return { throttleTimeMs: 0, brokers: [{ nodeId, host, port, rack: null }], clusterId, controllerId: nodeId, topics };
  },
};

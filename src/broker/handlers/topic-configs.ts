/**
 * Topic configs the broker knows, with the defaults it answers in DescribeConfigs. Only the ones
 * the storage honours (retention, cleanup policy, segment size) change behaviour; the others are
 * accepted and reported so tools that set them keep working.
 *
 * @example
 * ```ts
 * const value = topicConfigValue(topic.configs, 'retention.ms'); // '604800000' unless set
 * ```
 */
export const TOPIC_CONFIG_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  'cleanup.policy': 'delete',
  'compression.type': 'producer',
  'delete.retention.ms': '86400000',
  'file.delete.delay.ms': '60000',
  'flush.messages': '9223372036854775807',
  'flush.ms': '9223372036854775807',
  'index.interval.bytes': '4096',
  'max.compaction.lag.ms': '9223372036854775807',
  'max.message.bytes': '1048588',
  'message.downconversion.enable': 'true',
  'message.timestamp.after.max.ms': '9223372036854775807',
  'message.timestamp.before.max.ms': '9223372036854775807',
  'message.timestamp.difference.max.ms': '9223372036854775807',
  'message.timestamp.type': 'CreateTime',
  'min.cleanable.dirty.ratio': '0.5',
  'min.compaction.lag.ms': '0',
  'min.insync.replicas': '1',
  'preallocate': 'false',
  'retention.bytes': '-1',
  'retention.ms': '604800000',
  'segment.bytes': '1073741824',
  'segment.index.bytes': '10485760',
  'segment.jitter.ms': '0',
  'segment.ms': '604800000',
  'unclean.leader.election.enable': 'false',
});

/** Whether `name` is a topic config this broker accepts. */
export function isKnownTopicConfig(name: string): boolean {
  return Object.hasOwn(TOPIC_CONFIG_DEFAULTS, name);
}

/** The effective value of a topic config: the explicit one, else the default. */
export function topicConfigValue(explicit: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(explicit, name) ? explicit[name] : TOPIC_CONFIG_DEFAULTS[name];
}

/** Kafka's own descriptions of the errors group administration meets (from its `Errors` enum). */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'This server does not host this topic-partition.',
  COORDINATOR_NOT_AVAILABLE: 'The coordinator is not available.',
  NOT_COORDINATOR: 'This is not the correct coordinator.',
  INVALID_GROUP_ID: 'The configured groupId is invalid.',
  UNKNOWN_MEMBER_ID: 'The coordinator is not aware of this member.',
  GROUP_AUTHORIZATION_FAILED: 'Group authorization failed.',
  NON_EMPTY_GROUP: 'The group is not empty.',
  GROUP_ID_NOT_FOUND: 'The group id does not exist.',
  GROUP_SUBSCRIBED_TO_TOPIC: 'Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.',
};

/**
 * A Kafka error name with Kafka's description of it, for the lines that report per-group and
 * per-partition failures.
 *
 * @example
 * ```ts
 * kafkaErrorText('GROUP_ID_NOT_FOUND'); // 'GROUP_ID_NOT_FOUND: The group id does not exist.'
 * ```
 */
export function kafkaErrorText(name: string): string {
  const description = DESCRIPTIONS[name];
  return description === undefined ? name : `${name}: ${description}`;
}

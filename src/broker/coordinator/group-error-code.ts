/**
 * The Kafka error codes the group coordinator answers with (numbers as on the wire).
 *
 * @example
 * ```ts
 * if (result.errorCode === GroupErrorCode.MEMBER_ID_REQUIRED) rejoinWith(result.memberId);
 * ```
 */
export const GroupErrorCode = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  OFFSET_METADATA_TOO_LARGE: 12,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_REQUEST: 42,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  MEMBER_ID_REQUIRED: 79,
  FENCED_INSTANCE_ID: 82,
  GROUP_SUBSCRIBED_TO_TOPIC: 86,
} as const;

/** One of the numeric codes in {@link GroupErrorCode}. */
export type GroupErrorCodeValue = (typeof GroupErrorCode)[keyof typeof GroupErrorCode];

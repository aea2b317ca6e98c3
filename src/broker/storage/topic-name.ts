/** Longest topic name Kafka accepts. */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/**
 * Checks a topic name against Kafka's rules: non-empty, at most 249 characters, only
 * `[a-zA-Z0-9._-]`, and not `.` or `..`. Returns an error message naming the problem, or null
 * when the name is valid (and therefore also safe as a directory name).
 *
 * @example
 * ```ts
 * validateTopicName('orders');  // null
 * validateTopicName('../etc');  // 'topic name "../etc" contains characters other than ...'
 * ```
 */
export function validateTopicName(name: string): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'topic name is empty; give a name of 1 to 249 characters from [a-zA-Z0-9._-]';
  if (name === '.' || name === '..') return `topic name "${name}" is not allowed; "." and ".." are reserved`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `topic name "${name.slice(0, 20)}…" has ${name.length} characters; at most ${MAX_TOPIC_NAME_LENGTH} are allowed`;
  }
  if (!LEGAL.test(name)) {
    return `topic name "${name}" contains characters other than ASCII letters, digits, ".", "_" and "-"; rename it`;
  }
  return null;
}

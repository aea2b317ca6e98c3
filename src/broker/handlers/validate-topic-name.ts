const LEGAL = /^[a-zA-Z0-9._-]+$/;
const MAX_LENGTH = 249;

/**
 * Checks a topic name against Kafka's rules; returns why it is invalid, or null when it is valid.
 * Rules: 1 to 249 characters of `[a-zA-Z0-9._-]`, and neither `.` nor `..`.
 *
 * @example
 * ```ts
 * topicNameProblem('jokes');  // null
 * topicNameProblem('a b');    // 'topic name "a b" contains characters other than [a-zA-Z0-9._-]'
 * ```
 */
export function topicNameProblem(name: string | null | undefined): string | null {
  if (name === null || name === undefined || name.length === 0) return 'topic name is empty; give a name of 1 to 249 characters';
  if (name === '.' || name === '..') return `topic name "${name}" is not allowed; pick another name`;
  if (name.length > MAX_LENGTH) return `topic name of ${name.length} characters is longer than ${MAX_LENGTH}; shorten it`;
  if (!LEGAL.test(name)) return `topic name "${name}" contains characters other than [a-zA-Z0-9._-]; rename it`;
  return null;
}

/** What an internal topic of sluice is for, read back from its name. */
export interface InternalTopic {
  kind: 'changelog' | 'repartition';
  consumerGroup: string;
  /** The source topic it follows. */
  topic: string;
  /** The store (changelog) or the group-by name (repartition). */
  name: string;
}

const PREFIX = /^(changelog|repartition)__/;

/**
 * Parses the name of a changelog (`changelog__<group>--<topic>--<store>`) or repartition
 * (`repartition__<group>--<topic>--<name>`) topic; undefined for any other name. The first `--`
 * ends the consumer group and the last one starts the store or group-by name, so a topic name may
 * contain `--`, a group or store name may not.
 *
 * @example
 * ```ts
 * describeInternalTopic('changelog__word-counter--words--default');
 * // { kind: 'changelog', consumerGroup: 'word-counter', topic: 'words', name: 'default' }
 * ```
 */
export function describeInternalTopic(topicName: string): InternalTopic | undefined {
  const prefix = PREFIX.exec(topicName);
  if (!prefix) return undefined;
  const rest = topicName.slice(prefix[0].length);
  const first = rest.indexOf('--');
  const last = rest.lastIndexOf('--');
  if (first <= 0 || last - first <= 2 || last + 2 >= rest.length) return undefined;
  return { kind: prefix[1] as InternalTopic['kind'], consumerGroup: rest.slice(0, first), topic: rest.slice(first + 2, last), name: rest.slice(last + 2) };
}

/**
 * A one-line description of an internal topic for listings, e.g.
 * `sluice changelog of store "default" (group "word-counter", topic "words")`.
 *
 * @example
 * ```ts
 * internalTopicSummary(describeInternalTopic('repartition__rev--transactions--product_id')!);
 * // 'sluice repartition by "product_id" (group "rev", topic "transactions")'
 * ```
 */
export function internalTopicSummary(t: InternalTopic): string {
  const what = t.kind === 'changelog' ? `changelog of store "${t.name}"` : `repartition by "${t.name}"`;
  return `sluice ${what} (group "${t.consumerGroup}", topic "${t.topic}")`;
}

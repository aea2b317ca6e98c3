import kafkajs, { type Admin } from 'kafkajs';

// kafkajs is CommonJS and Node's ESM loader does not see this export by name.
const { AssignerProtocol } = kafkajs;

/**
 * A consumer group as its coordinator describes it: its state and, per member (named by its
 * client id), the partitions of `topic` it owns.
 *
 * @example
 * ```ts
 * const view: GroupView = { group: 'rebalance-1', topic: 'consumer-rebalance', state: 'Stable', owners: { a1: [0], a2: [] } };
 * ```
 */
export interface GroupView {
  group: string;
  topic: string;
  state: string;
  /** member name → partitions of the topic it owns, ascending. */
  owners: Record<string, number[]>;
}

/**
 * Describes `group` through the broker (DescribeGroups), as `kafka-consumer-groups --describe
 * --members --verbose` does.
 *
 * @example
 * ```ts
 * const view = await describeGroup(admin, 'rebalance-1', 'consumer-rebalance');
 * ```
 */
export async function describeGroup(admin: Admin, group: string, topic: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([group]);
  const g = groups[0];
  const owners: Record<string, number[]> = {};
  for (const m of g?.members ?? []) {
    const decoded = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
    owners[m.clientId] = [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
  }
  return { group, topic, state: g?.state ?? 'Dead', owners };
}

/**
 * Whether `view` is a settled generation with exactly `members` and every partition owned.
 *
 * @example
 * ```ts
 * isSettled(view, ['a1', 'a2'], 1); // true once Stable with a1 and a2 and partition 0 owned
 * ```
 */
export function isSettled(view: GroupView, members: readonly string[], partitions: number): boolean {
  const names = Object.keys(view.owners).sort();
  if (view.state !== 'Stable' || names.join() !== [...members].sort().join()) return false;
  const owned = Object.values(view.owners).flat().sort((a, b) => a - b);
  return owned.join() === Array.from({ length: partitions }, (_, i) => i).join();
}

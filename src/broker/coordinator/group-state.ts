import { SluiceError } from '../../errors.ts';

/**
 * The states of a classic consumer group, named as Kafka names them in DescribeGroups/ListGroups.
 *
 * - `Empty`: no members (may still hold committed offsets).
 * - `PreparingRebalance`: waiting for every member to (re)join.
 * - `CompletingRebalance`: join answered; waiting for the leader's SyncGroup with the assignment.
 * - `Stable`: assignment distributed; members heartbeat.
 * - `Dead`: removed (deleted, or empty without offsets).
 *
 * @example
 * ```ts
 * const state: GroupState = 'Stable';
 * ```
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/**
 * Every state, in the order Kafka documents them.
 *
 * @example
 * ```ts
 * GROUP_STATES.includes(state as GroupState);
 * ```
 */
export const GROUP_STATES: readonly GroupState[] = [
  'Empty',
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
];

/** For each target state, the states a group may move to it from (as in Kafka's GroupMetadata). */
const VALID_PREVIOUS_STATES: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

/**
 * A group was asked to move between two states that the group state machine does not connect.
 *
 * @example
 * ```ts
 * try { group.transitionTo('Stable'); } catch (e) { if (e instanceof IllegalGroupTransitionError) log.error(e.message); }
 * ```
 */
export class IllegalGroupTransitionError extends SluiceError {
  constructor(groupId: string, from: GroupState, to: GroupState) {
    super(
      `Group '${groupId}' cannot move from ${from} to ${to}; ${to} is reached only from ` +
        `${VALID_PREVIOUS_STATES[to].join(', ')}. This is a bug in the group coordinator.`,
    );
  }
}

/**
 * Whether the transition table allows moving from `from` to `to`.
 *
 * @example
 * ```ts
 * canTransition('Stable', 'PreparingRebalance'); // true
 * canTransition('Empty', 'Stable');              // false
 * ```
 */
export function canTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS_STATES[to].includes(from);
}

/**
 * Throws {@link IllegalGroupTransitionError} unless the transition table allows `from` → `to`.
 *
 * @example
 * ```ts
 * assertTransition('my-group', 'PreparingRebalance', 'CompletingRebalance');
 * ```
 */
export function assertTransition(groupId: string, from: GroupState, to: GroupState): void {
  if (!canTransition(from, to)) throw new IllegalGroupTransitionError(groupId, from, to);
}

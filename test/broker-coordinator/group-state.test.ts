import { describe, expect, it } from 'vitest';
import { ConsumerGroup } from '../../src/broker/coordinator/consumer-group.ts';
import { IllegalGroupTransitionError, canTransition } from '../../src/broker/coordinator/group-state.ts';

describe('group state transition table', () => {
  it('allows the rebalance cycle Empty → PreparingRebalance → CompletingRebalance → Stable → PreparingRebalance', () => {
    expect(canTransition('Empty', 'PreparingRebalance')).toBe(true);
    expect(canTransition('PreparingRebalance', 'CompletingRebalance')).toBe(true);
    expect(canTransition('CompletingRebalance', 'Stable')).toBe(true);
    expect(canTransition('Stable', 'PreparingRebalance')).toBe(true);
    expect(canTransition('CompletingRebalance', 'PreparingRebalance')).toBe(true);
    expect(canTransition('PreparingRebalance', 'Empty')).toBe(true);
    expect(canTransition('Empty', 'Dead')).toBe(true);
  });

  it('rejects skipping states', () => {
    expect(canTransition('Empty', 'Stable')).toBe(false);
    expect(canTransition('Empty', 'CompletingRebalance')).toBe(false);
    expect(canTransition('Stable', 'CompletingRebalance')).toBe(false);
    expect(canTransition('Dead', 'Empty')).toBe(false);
    expect(canTransition('Stable', 'Empty')).toBe(false);
  });

  it('throws IllegalGroupTransitionError naming the group on an illegal transition', () => {
    const group = new ConsumerGroup('orders');
    expect(() => group.transitionTo('Stable')).toThrow(IllegalGroupTransitionError);
    expect(() => group.transitionTo('Stable')).toThrow(/Group 'orders' cannot move from Empty to Stable/);
    expect(group.state).toBe('Empty');
  });
});

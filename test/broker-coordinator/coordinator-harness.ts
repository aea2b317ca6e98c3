import { pino } from 'pino';
import type { JoinGroupInput, JoinGroupResult, MemberProtocol } from '../../src/broker/coordinator/coordinator-types.ts';
import { GroupCoordinator, type GroupCoordinatorOptions } from '../../src/broker/coordinator/group-coordinator.ts';
import { FakeTime } from './fake-time.ts';
import { MemoryOffsetStore } from './memory-offset-store.ts';

/** A coordinator on fake time and in-memory offsets, plus helpers to drive it. */
export function harness(options: Partial<GroupCoordinatorOptions> = {}) {
  const time = new FakeTime();
  const store = new MemoryOffsetStore();
  const coordinator = new GroupCoordinator({
    offsets: store,
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    timers: time,
    ...options,
  });
  return { time, store, coordinator };
}

export const meta = (text: string): Uint8Array => new TextEncoder().encode(text);

export function joinInput(overrides: Partial<JoinGroupInput> = {}): JoinGroupInput {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: meta('m') }] as MemberProtocol[],
    requireKnownMemberId: false,
    ...overrides,
  };
}

/** Tracks whether a promise has settled, without awaiting it. */
export function track<T>(promise: Promise<T>): { readonly done: boolean; readonly value: T | undefined; promise: Promise<T> } {
  const state = { done: false, value: undefined as T | undefined, promise };
  promise.then((v) => {
    state.done = true;
    state.value = v;
  });
  return state;
}

/** Lets resolved promise callbacks run. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export type Joined = JoinGroupResult;

// The stateless benchmark's data and work, shared by its node workers (the Python ones repeat the
// same three lines): events of ~120 bytes of JSON; keep all but page views; reshape.

/** One input event. */
export interface ClickEvent {
  id: number;
  user: string;
  action: 'view' | 'click' | 'add_to_cart' | 'purchase';
  amount: number;
  page: string;
  ts: number;
}

/** One output record (keyed by `user`). */
export interface ClickOut {
  id: number;
  user: string;
  action: string;
  cents: number;
  page: string;
}

const ACTIONS = ['view', 'click', 'add_to_cart', 'purchase'] as const;

/** Event number `n` (deterministic). */
export function clickEvent(n: number): ClickEvent {
  return { id: n, user: `user-${n % 1000}`, action: ACTIONS[n % 4]!, amount: (n % 5000) / 100, page: `/products/${n % 300}`, ts: 1_700_000_000_000 + n };
}

/** The filter: everything but page views. */
export const keepEvent = (e: ClickEvent): boolean => e.action !== 'view';

/** The transform. */
export const reshapeEvent = (e: ClickEvent): ClickOut => ({ id: e.id, user: e.user, action: e.action, cents: Math.round(e.amount * 100), page: e.page });

/** How many of events 0..count-1 pass the filter. */
export const keptCount = (count: number): number => count - Math.ceil(count / 4);

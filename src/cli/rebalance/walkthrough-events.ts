import type { GroupView } from './group-view.ts';

/**
 * What the rebalance walkthrough reports, step by step; `--json` prints each as one JSON line.
 *
 * @example
 * ```ts
 * const e: WalkthroughEvent = { type: 'assignment', step: 2, group: 'rebalance-1', topic: 'consumer-rebalance', state: 'Stable', owners: { a1: [0], a2: [] } };
 * ```
 */
export type WalkthroughEvent =
  | { type: 'start'; broker: string; topics: Record<string, number>; groups: string[] }
  | { type: 'step'; step: number; title: string; explain: string }
  | ({ type: 'assignment'; step: number } & GroupView)
  | { type: 'produced'; step: number; topic: string; count: number; ends: Record<string, number> }
  | { type: 'read'; step: number; group: string; topic: string; byMember: Record<string, Record<string, { first: number; last: number; count: number }>> }
  | { type: 'resumed'; step: number; group: string; topic: string; partition: number; member: string; committed: number; firstRead: number }
  | { type: 'summary'; groups: GroupSummary[]; ok: boolean };

/** One group's tally over the whole walkthrough. */
export interface GroupSummary {
  group: string;
  topic: string;
  /** Messages on the topic while the group was meant to read it (all of them). */
  produced: number;
  /** Distinct messages its members read. */
  read: number;
  /** Messages read more than once (across members and rebalances). */
  duplicates: number;
  /** Messages never read. */
  missing: number;
}

/**
 * Renders an event for a person: a step header, an assignment table, a line per read.
 *
 * @example
 * ```ts
 * console.log(describeEvent({ type: 'step', step: 1, title: 'a1 joins', explain: '...' }));
 * ```
 */
export function describeEvent(e: WalkthroughEvent): string {
  switch (e.type) {
    case 'start':
      return `Rebalance walkthrough on ${e.broker}: topics ${Object.entries(e.topics).map(([t, p]) => `${t} (${p} partition${p === 1 ? '' : 's'})`).join(', ')}`;
    case 'step':
      return `\nStep ${e.step}: ${e.title}\n  ${e.explain}`;
    case 'assignment': {
      const owners = Object.entries(e.owners).sort(([a], [b]) => a.localeCompare(b));
      const cells = owners.map(([m, ps]) => `${m} → ${ps.length ? `[${ps.join(', ')}]` : '[] (idle)'}`);
      return `  group ${e.group} on ${e.topic} (${e.state}): ${cells.length ? cells.join('   ') : 'no members'}`;
    }
    case 'produced':
      return `  produced ${e.count} message(s) to ${e.topic}; partition ends now ${Object.entries(e.ends).map(([p, o]) => `${p}:${o}`).join(' ')}`;
    case 'read': {
      const parts = Object.entries(e.byMember).map(([m, ps]) =>
        `${m} read ${Object.entries(ps).map(([p, r]) => `p${p} offsets ${r.first}-${r.last} (${r.count})`).join(', ') || 'nothing'}`,
      );
      return `  ${e.group}: ${parts.join('; ')}`;
    }
    case 'resumed':
      return `  ${e.member} started partition ${e.partition} at offset ${e.firstRead}; ${e.group} had committed ${e.committed} for it${e.firstRead === e.committed ? ' (resumed exactly there)' : ''}`;
    case 'summary': {
      const rows = e.groups.map((g) => `  ${g.group.padEnd(24)} ${g.topic.padEnd(28)} produced ${g.produced}, read ${g.read}, read twice ${g.duplicates}, lost ${g.missing}`);
      return ['\nSummary:', ...rows, e.ok ? 'Every group read every message of its topic exactly once.' : 'Some messages were lost or read twice (see above).'].join('\n');
    }
  }
}

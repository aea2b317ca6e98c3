import type { GroupAdmin } from '../../kafka/group-admin.ts';
import type { ConsumerGroupsAction } from './consumer-groups-options.ts';
import type { GroupOutput } from './group-output.ts';
import { listTable } from './group-tables.ts';

/**
 * `--list`: one consumer group id per line; with `--state` a GROUP STATE table, optionally only
 * the groups in the states named (`--state stable,empty`).
 *
 * @example
 * ```ts
 * await listGroups(admin, { kind: 'list', states: null }, PROCESS_OUTPUT);
 * ```
 */
export async function listGroups(admin: GroupAdmin, action: Extract<ConsumerGroupsAction, { kind: 'list' }>, out: GroupOutput): Promise<void> {
  const groups = (await admin.listGroups()).sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  if (action.states === null) {
    out.stdout(groups.map((g) => `${g.groupId}\n`).join(''));
    return;
  }
  const wanted = new Set(action.states);
  const shown = groups.map((g) => ({ groupId: g.groupId, state: g.state ?? 'Unknown' })).filter((g) => wanted.size === 0 || wanted.has(g.state));
  out.stdout(listTable(shown));
}

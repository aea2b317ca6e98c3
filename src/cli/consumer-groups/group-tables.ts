import type { TopicPartition } from '../../kafka/group-admin.ts';
import { columnWidth, paddedColumns } from './padded-columns.ts';

/** What Kafka's tool prints for a value it does not have. */
export const MISSING = '-';

/** One line of `--describe` (offsets): a partition, its committed offset, end and lag, and who owns it. */
export interface OffsetRow {
  group: string;
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number | null;
  lag: number | null;
  consumerId: string;
  host: string;
  clientId: string;
}

const orMissing = (v: number | null): string => (v === null ? MISSING : String(v));

/**
 * The `--describe` offsets table as Kafka prints it: a blank line, then
 * GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID, with the
 * group, topic, consumer-id and host columns as wide as their longest value (at least 15).
 *
 * @example
 * ```ts
 * process.stdout.write(offsetsTable([{ group: 'g', topic: 't', partition: 0, currentOffset: 4, logEndOffset: 6, lag: 2, consumerId: '-', host: '-', clientId: '-' }]));
 * ```
 */
export function offsetsTable(rows: readonly OffsetRow[]): string {
  const widths = [
    columnWidth(rows.map((r) => r.group), 15),
    columnWidth(rows.map((r) => r.topic), 15),
    10, 15, 15, 15,
    columnWidth(rows.map((r) => r.consumerId), 15),
    columnWidth(rows.map((r) => r.host), 15),
    0,
  ];
  const lines = [paddedColumns(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], widths)];
  for (const r of rows) {
    lines.push(paddedColumns([r.group, r.topic, r.partition, orMissing(r.currentOffset), orMissing(r.logEndOffset), orMissing(r.lag), r.consumerId, r.host, r.clientId], widths));
  }
  return `\n${lines.join('\n')}\n`;
}

/** One line of `--describe --members`. */
export interface MemberRow {
  group: string;
  consumerId: string;
  groupInstanceId: string | null;
  host: string;
  clientId: string;
  assignment: readonly TopicPartition[];
}

/** `topic(0,1), other(2)`: a member's partitions by topic, as `--members --verbose` shows them. */
function assignmentText(assignment: readonly TopicPartition[]): string {
  if (assignment.length === 0) return MISSING;
  const byTopic = new Map<string, number[]>();
  for (const tp of assignment) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic].map(([topic, ps]) => `${topic}(${[...ps].sort((a, b) => a - b).join(',')})`).sort().join(', ');
}

/**
 * The `--describe --members` table as Kafka prints it: GROUP CONSUMER-ID [GROUP-INSTANCE-ID] HOST
 * CLIENT-ID #PARTITIONS [ASSIGNMENT with --verbose]. The header is printed also when the group
 * has no members (as Kafka does).
 *
 * @example
 * ```ts
 * process.stdout.write(membersTable(rows, false));
 * ```
 */
export function membersTable(rows: readonly MemberRow[], verbose: boolean): string {
  const withInstance = rows.some((r) => r.groupInstanceId !== null && r.groupInstanceId !== '');
  const pick = (group: string, consumerId: string, instance: string, host: string, clientId: string, partitions: string): string[] =>
    withInstance ? [group, consumerId, instance, host, clientId, partitions] : [group, consumerId, host, clientId, partitions];
  const width = (values: string[], min: number): string => String(columnWidth(values, min));
  const widths = pick(
    width(rows.map((r) => r.group), 15),
    width(rows.map((r) => r.consumerId), 15),
    width(rows.map((r) => r.groupInstanceId ?? ''), 17),
    width(rows.map((r) => r.host), 15),
    width(rows.map((r) => r.clientId), 15),
    '15',
  ).map(Number);
  // Kafka's format ends each column, the last one too, with a space: "%-15s ".
  const line = (values: string[], tail: string): string => `${paddedColumns(values, widths)} ${tail}`;
  const header = line(pick('GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'), verbose ? 'ASSIGNMENT' : '');
  const lines = rows.map((r) =>
    line(pick(r.group, r.consumerId, r.groupInstanceId ?? '', r.host, r.clientId, String(r.assignment.length)), verbose ? assignmentText(r.assignment) : ''),
  );
  return `\n${[header, ...lines].join('\n')}\n`;
}

/** What `--describe --state` shows of one group. */
export interface StateRow {
  group: string;
  coordinator: { nodeId: number; host: string; port: number };
  assignmentStrategy: string;
  state: string;
  members: number;
}

/**
 * The `--describe --state` table as Kafka prints it: GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY
 * STATE #MEMBERS, the coordinator as `host:port  (id)`.
 *
 * @example
 * ```ts
 * stateTable({ group: 'g', coordinator: { nodeId: 1, host: '127.0.0.1', port: 9092 }, assignmentStrategy: 'range', state: 'Stable', members: 2 });
 * ```
 */
export function stateTable(row: StateRow): string {
  const coordinator = `${row.coordinator.host}:${row.coordinator.port}  (${row.coordinator.nodeId})`;
  // Kafka sizes the first column by the coordinator text (at least 25).
  const widths = [Math.max(25, coordinator.length), 25, 20, 15, 0];
  return (
    `\n${paddedColumns(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], widths)}` +
    `\n${paddedColumns([row.group, coordinator, row.assignmentStrategy, row.state, row.members], widths)}\n`
  );
}

/**
 * `--list --state`: GROUP and STATE columns as Kafka prints them (the group column 10 wider than
 * the longest name, at least 25).
 *
 * @example
 * ```ts
 * listTable([{ groupId: 'g', state: 'Stable' }]);
 * ```
 */
export function listTable(groups: readonly { groupId: string; state: string }[]): string {
  const widths = [columnWidth(groups.map((g) => g.groupId), 15) + 10, 20];
  // Kafka's format "%-Ns %-20s" pads the state column too.
  const line = (a: string, b: string): string => `${paddedColumns([a, b], widths)}\n`;
  return line('GROUP', 'STATE') + groups.map((g) => line(g.groupId, g.state)).join('');
}

/**
 * The `--reset-offsets` plan as Kafka prints it: GROUP TOPIC PARTITION NEW-OFFSET, one line per
 * partition.
 *
 * @example
 * ```ts
 * resetTable([{ group: 'g', topic: 't', partition: 0, offset: 0 }]);
 * ```
 */
export function resetTable(rows: readonly { group: string; topic: string; partition: number; offset: number }[]): string {
  const widths = [30, 30, 10, 15];
  const lines = [paddedColumns(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], widths), ...rows.map((r) => paddedColumns([r.group, r.topic, r.partition, r.offset], widths))];
  return `\n${lines.join('\n')}\n`;
}

/**
 * The `--delete-offsets` result as Kafka prints it: TOPIC PARTITION STATUS, `Successful` or the
 * error; a topic that could not be looked up shows `Not Provided` as its partition.
 *
 * @example
 * ```ts
 * deleteOffsetsTable([{ topic: 't', partition: 0, status: 'Successful' }]);
 * ```
 */
export function deleteOffsetsTable(rows: readonly { topic: string; partition: number | null; status: string }[]): string {
  const widths = [30, 15, 15];
  const lines = [
    paddedColumns(['TOPIC', 'PARTITION', 'STATUS'], widths),
    ...rows.map((r) => paddedColumns([r.topic, r.partition === null ? 'Not Provided' : r.partition, r.status], widths)),
  ];
  return `\n${lines.join('\n')}\n`;
}

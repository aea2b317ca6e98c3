/**
 * Where `sluice consumer-groups` writes: Kafka's tool prints tables and "Error: ..." lines on
 * stdout and notices ("has no active members", warnings) on stderr; tests capture both.
 *
 * @example
 * ```ts
 * const out: GroupOutput = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
 * ```
 */
export interface GroupOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The process's own stdout and stderr. */
export const PROCESS_OUTPUT: GroupOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Prints Kafka's line about a group's state before its table — Dead: "Error: Consumer group 'G'
 * does not exist." (stdout); Empty: "Consumer group 'G' has no active members." (stderr);
 * rebalancing: "Warning: Consumer group 'G' is rebalancing." (stderr) — and says whether the
 * group has anything to show (it exists and `rows` > 0).
 *
 * @example
 * ```ts
 * if (announceGroupState('g', 'Empty', rows.length, out)) out.stdout(offsetsTable(rows));
 * ```
 */
export function announceGroupState(group: string, state: string, rows: number, out: GroupOutput): boolean {
  switch (state) {
    case 'Dead':
      out.stdout(`\nError: Consumer group '${group}' does not exist.\n`);
      return false;
    case 'Empty':
      out.stderr(`\nConsumer group '${group}' has no active members.\n`);
      break;
    case 'PreparingRebalance':
    case 'CompletingRebalance':
    case 'Assigning':
    case 'Reconciling':
      out.stderr(`\nWarning: Consumer group '${group}' is rebalancing.\n`);
      break;
    default:
      break;
  }
  return rows > 0;
}

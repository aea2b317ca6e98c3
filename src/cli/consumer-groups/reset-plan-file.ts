import { readFileSync } from 'node:fs';
import type { CommitOffset } from '../../kafka/group-consumer.ts';
import { CliError } from '../cli-error.ts';

/**
 * Reads a `--from-file` reset plan, the CSV `--reset-offsets --export` prints: lines of
 * `topic,partition,offset` when one group is named (`singleGroup`), else
 * `group,topic,partition,offset` (as Kafka reads it). Returns the offsets per group.
 *
 * @example
 * ```ts
 * readResetPlan('plan.csv', 'word-counter').get('word-counter'); // [{ topic: 'words', partition: 0, offset: 42 }]
 * ```
 */
export function readResetPlan(path: string, singleGroup: string | null): Map<string, CommitOffset[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the reset plan --from-file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const lines = text.split(/\r?\n/).map((l, i) => ({ fields: l.split(',').map((f) => f.trim()), number: i + 1 })).filter((l) => l.fields.join('') !== '');
  const withoutGroup = singleGroup !== null && lines.length > 0 && lines[0]!.fields.length === 3;
  const plan = new Map<string, CommitOffset[]>();
  for (const { fields, number } of lines) {
    const expected = withoutGroup ? 'topic,partition,offset' : 'group,topic,partition,offset';
    if (fields.length !== (withoutGroup ? 3 : 4) || !fields.slice(-2).every((f) => /^\d+$/.test(f)) || fields.some((f) => f === '')) {
      throw new CliError(`--from-file ${path} line ${number} is not ${expected}: '${fields.join(',')}'`);
    }
    const [group, topic, partition, offset] = withoutGroup ? [singleGroup, ...fields] : fields;
    plan.set(group!, [...(plan.get(group!) ?? []), { topic: topic!, partition: Number(partition), offset: Number(offset) }]);
  }
  return plan;
}

import { describeInternalTopic, internalTopicSummary } from '../../state/internal-topic.ts';
import { CliError } from '../cli-error.ts';
import { describeLines } from './describe-lines.ts';
import type { TopicAdmin } from './topic-admin.ts';

/**
 * What a `sluice topics` action works on, from either spelling (`sluice topics describe t` or
 * Kafka's `sluice topics --describe --topic t`).
 *
 * @example
 * ```ts
 * const request: TopicsRequest = { topics: ['orders'], partitions: 3, configs: [['retention.ms', '60000']], ifNotExists: true, ifExists: false, excludeInternal: false };
 * ```
 */
export interface TopicsRequest {
  topics: string[];
  partitions?: number;
  replicationFactor?: number;
  configs: Array<[string, string]>;
  ifNotExists: boolean;
  ifExists: boolean;
  excludeInternal: boolean;
}

/** Where an action prints: results on `out`, notes on `err`. */
export interface TopicsOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const missingError = (missing: readonly string[]): CliError =>
  new CliError(`${missing.length === 1 ? 'Topic' : 'Topics'} ${missing.map((t) => `'${t}'`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist — see \`sluice topics list\``);

function oneTopic(request: TopicsRequest, action: string): string {
  if (request.topics.length !== 1) throw new CliError(`${action} takes one topic (--topic NAME), got ${request.topics.length === 0 ? 'none' : request.topics.join(', ')}`);
  return request.topics[0]!;
}

function positive(flag: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new CliError(`${flag} must be a whole number >= 1, got ${value}`);
  return value;
}

/**
 * Topic names, sorted, one a line. `annotate` adds a tab and what sluice's own changelog and
 * repartition topics are for (`sluice topics list`); Kafka's `--list` prints bare names.
 *
 * @example
 * ```ts
 * await listTopics(admin, request, { out: console.log, err: console.error }, true);
 * ```
 */
export async function listTopics(admin: TopicAdmin, request: TopicsRequest, output: TopicsOutput, annotate: boolean): Promise<void> {
  for (const name of await admin.listTopics(!request.excludeInternal)) {
    const own = annotate ? describeInternalTopic(name) : undefined;
    output.out(own ? `${name}\t${internalTopicSummary(own)}` : name);
  }
}

/**
 * Prints `kafka-topics --describe` lines for each topic (all topics when none is named). Missing
 * topics are named in the error thrown after the others were printed (unless `ifExists`).
 *
 * @example
 * ```ts
 * await describeTopics(admin, { ...request, topics: ['orders', 'payments'] }, output);
 * ```
 */
export async function describeTopics(admin: TopicAdmin, request: TopicsRequest, output: TopicsOutput): Promise<void> {
  const names = request.topics.length > 0 ? request.topics : await admin.listTopics(!request.excludeInternal);
  const { found, missing } = await admin.describeTopics(names);
  for (const topic of found) for (const line of describeLines(topic)) output.out(line);
  if (missing.length > 0 && !request.ifExists) throw missingError(missing);
}

/**
 * Creates one topic with the partitions, replication factor and configs asked (broker defaults
 * for what is not given); prints Kafka's `Created topic NAME.`
 *
 * @example
 * ```ts
 * await createTopic(admin, { ...request, topics: ['orders'], partitions: 3 }, output);
 * ```
 */
export async function createTopic(admin: TopicAdmin, request: TopicsRequest, output: TopicsOutput): Promise<void> {
  const name = oneTopic(request, 'create');
  const spec = { name, partitions: positive('--partitions', request.partitions), replicationFactor: positive('--replication-factor', request.replicationFactor), configs: request.configs };
  if (await admin.createTopic(spec, request.ifNotExists)) output.out(`Created topic ${name}.`);
  else output.err(`Topic ${name} exists already; left as it is (--if-not-exists)`);
}

/**
 * Raises the partition count of topics to `--partitions`.
 *
 * @example
 * ```ts
 * await alterTopics(admin, { ...request, topics: ['orders'], partitions: 6 }, output);
 * ```
 */
export async function alterTopics(admin: TopicAdmin, request: TopicsRequest, output: TopicsOutput): Promise<void> {
  const partitions = positive('--partitions', request.partitions);
  if (partitions === undefined) throw new CliError('alter needs --partitions N (the new, higher partition count)');
  if (request.configs.length > 0) throw new CliError('alter changes partitions only; topic configs are changed with kafka-configs (IncrementalAlterConfigs)');
  if (request.topics.length === 0) throw new CliError('alter needs a topic (--topic NAME)');
  const { found, missing } = await admin.describeTopics(request.topics);
  if (missing.length > 0 && !request.ifExists) throw missingError(missing);
  for (const topic of found) {
    const before = topic.partitions.length;
    if (partitions < before) throw new CliError(`Topic ${topic.name} has ${before} partitions; Kafka cannot lower a partition count (asked for ${partitions})`);
    if (partitions === before) {
      output.err(`Topic ${topic.name} has ${before} partitions already`);
      continue;
    }
    await admin.increasePartitions(topic.name, partitions);
    output.out(`Topic ${topic.name}: partitions raised from ${before} to ${partitions}`);
  }
}

/**
 * Deletes topics; when one is missing nothing is deleted (unless `ifExists`, which skips it).
 *
 * @example
 * ```ts
 * await deleteTopics(admin, { ...request, topics: ['words', 'word-counts'] }, output);
 * ```
 */
export async function deleteTopics(admin: TopicAdmin, request: TopicsRequest, output: TopicsOutput): Promise<void> {
  if (request.topics.length === 0) throw new CliError('delete needs a topic (--topic NAME)');
  const { found, missing } = await admin.describeTopics(request.topics);
  if (missing.length > 0 && !request.ifExists) throw missingError(missing);
  if (found.length === 0) return;
  await admin.deleteTopics(found.map((t) => t.name));
  for (const t of found) output.out(`Deleted topic ${t.name}`);
}

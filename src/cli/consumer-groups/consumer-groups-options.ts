import { CliError } from '../cli-error.ts';
import { parseResetDatetime, parseResetDuration } from './reset-time.ts';

/** The flags of `sluice consumer-groups` as yargs parsed them (Kafka's kafka-consumer-groups flags). */
export interface ConsumerGroupsArgs {
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  'reset-offsets'?: boolean;
  'delete-offsets'?: boolean;
  group?: string[];
  'all-groups'?: boolean;
  topic?: string[];
  'all-topics'?: boolean;
  members?: boolean;
  offsets?: boolean;
  /** `--state` alone is `''`; with `--list` it may name states (`stable,empty`). */
  state?: string;
  verbose?: boolean;
  'dry-run'?: boolean;
  execute?: boolean;
  export?: boolean;
  'to-offset'?: string;
  'shift-by'?: string;
  'to-datetime'?: string;
  'by-duration'?: string;
  'to-earliest'?: boolean;
  'to-latest'?: boolean;
  'to-current'?: boolean;
  /** A CSV plan (`topic,partition,offset` or `group,topic,partition,offset`), as `--export` prints it. */
  'from-file'?: string;
}

/** `--topic t` (every partition) or `--topic t:0,2`. */
export interface TopicArg {
  topic: string;
  partitions: number[] | null;
}

/** Which groups a command acts on: named ones or `--all-groups`. */
export type GroupSelection = { all: true } | { all: false; groups: string[] };

/** How `--reset-offsets` picks each partition's new offset. */
export type ResetScenario =
  | { kind: 'to-offset'; offset: number }
  | { kind: 'shift-by'; shift: number }
  | { kind: 'to-datetime'; timestamp: number }
  | { kind: 'by-duration'; durationMs: number }
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'from-file'; path: string };

/** One validated `sluice consumer-groups` invocation. */
export type ConsumerGroupsAction =
  | { kind: 'list'; states: string[] | null }
  | { kind: 'describe'; groups: GroupSelection; view: 'offsets' | 'members' | 'state'; verbose: boolean }
  | { kind: 'delete'; groups: GroupSelection }
  | { kind: 'reset-offsets'; groups: GroupSelection; scope: { allTopics: true } | { allTopics: false; topics: TopicArg[] }; scenario: ResetScenario; execute: boolean; export: boolean; warnNoAction: boolean }
  | { kind: 'delete-offsets'; group: string; topics: TopicArg[] };

/** Kafka's ConsumerGroupState names, what `--list --state` filters on. */
export const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'] as const;

/** Kafka's warning when `--reset-offsets` has neither `--dry-run` nor `--execute` (printed on stderr). */
export const NO_EXECUTE_WARNING =
  'WARN: No action will be performed as the --execute option is missing.' +
  'In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. ' +
  'You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.';

const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'] as const;
const SCENARIOS = ['to-offset', 'shift-by', 'to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'to-current', 'from-file'] as const;

/** A usage error, as Kafka's tool reports one (exit code 1). */
function usage(message: string): CliError {
  return new CliError(`${message} (see sluice consumer-groups --help)`, { exitCode: 1 });
}

const has = (value: unknown): boolean => value !== undefined && value !== false;

/**
 * Checks the flags the way Kafka's ConsumerGroupCommandOptions does (exactly one action, the
 * options each action needs, no conflicting ones) and returns what to do; a problem throws a
 * {@link CliError} (exit code 1) that names the options.
 *
 * @example
 * ```ts
 * parseConsumerGroupsArgs({ describe: true, group: ['g'], members: true });
 * // { kind: 'describe', groups: { all: false, groups: ['g'] }, view: 'members', verbose: false }
 * ```
 */
export function parseConsumerGroupsArgs(args: ConsumerGroupsArgs): ConsumerGroupsAction {
  const actions = ACTIONS.filter((a) => args[a] === true);
  if (actions.length !== 1) throw usage('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
  const action = actions[0]!;
  const groups = args.group ?? [];
  const topics = args.topic ?? [];
  const conflict = (a: string, b: string): CliError => usage(`Option "[${a}]" can't be used with option "[${b}]"`);

  if (groups.length > 0 && args['all-groups'] === true) throw conflict('group', 'all-groups');
  if (groups.length > 0 && action === 'list') throw conflict('group', 'list');
  if (topics.length > 0 && (action === 'list' || action === 'describe')) throw conflict('topic', action);
  for (const flag of ['members', 'offsets'] as const) {
    if (args[flag] === true && action !== 'describe') throw usage(`Option [${flag}] can only be used with --describe`);
  }
  if (args.state !== undefined && action !== 'describe' && action !== 'list') throw usage('Option [state] can only be used with --describe or --list');
  const selection: GroupSelection = args['all-groups'] === true ? { all: true } : { all: false, groups };
  const needGroups = (name: string): void => {
    if (!selection.all && groups.length === 0) throw usage(`Option [${name}] takes one of these options: [group], [all-groups]`);
  };

  switch (action) {
    case 'list':
      return { kind: 'list', states: args.state === undefined ? null : parseStates(args.state) };
    case 'describe': {
      needGroups('describe');
      const views: ('members' | 'offsets' | 'state')[] = [];
      if (args.members === true) views.push('members');
      if (args.offsets === true) views.push('offsets');
      if (args.state !== undefined) {
        if (args.state !== '') throw usage('Option [describe] does not take a value for [state]');
        views.push('state');
      }
      if (views.length > 1) throw usage('Option [describe] takes at most one of these options: [members], [offsets], [state]');
      const view = views[0] ?? 'offsets';
      return { kind: 'describe', groups: selection, view, verbose: args.verbose === true };
    }
    case 'delete':
      needGroups('delete');
      if (topics.length > 0) throw usage('The consumer does not support topic-specific offset deletion from a consumer group.');
      return { kind: 'delete', groups: selection };
    case 'delete-offsets':
      if (groups.length !== 1 || topics.length === 0) throw usage('Option [delete-offsets] takes the following options: [group] (one group), [topic]');
      return { kind: 'delete-offsets', group: groups[0]!, topics: topics.map(parseTopicArg) };
    case 'reset-offsets':
      return parseReset(args, selection, needGroups);
  }
}

function parseReset(args: ConsumerGroupsArgs, groups: GroupSelection, needGroups: (name: string) => void): ConsumerGroupsAction {
  const dryRun = args['dry-run'] === true;
  const execute = args.execute === true;
  if (dryRun && execute) throw usage('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
  needGroups('reset-offsets');
  const chosen = SCENARIOS.filter((s) => has(args[s]));
  if (chosen.length > 1) throw usage(`Option "[${chosen[0]}]" can't be used with option "[${chosen[1]}]"`);
  if (chosen.length === 0) {
    throw usage(`Option '[reset-offsets]' requires one of the following scenarios: ${SCENARIOS.map((s) => `--${s}`).join(', ')}`);
  }
  const topics = args.topic ?? [];
  if (args['all-topics'] === true && topics.length > 0) throw usage('Option "[all-topics]" can\'t be used with option "[topic]"');
  // A plan from a file names its own partitions (the scope may narrow them).
  if (args['all-topics'] !== true && topics.length === 0 && chosen[0] !== 'from-file') throw usage('One of the reset scopes should be defined: --all-topics, --topic.');
  return {
    kind: 'reset-offsets',
    groups,
    scope: args['all-topics'] === true ? { allTopics: true } : { allTopics: false, topics: topics.map(parseTopicArg) },
    scenario: parseScenario(chosen[0]!, args),
    execute,
    export: args.export === true,
    warnNoAction: !dryRun && !execute,
  };
}

function parseScenario(kind: (typeof SCENARIOS)[number], args: ConsumerGroupsArgs): ResetScenario {
  const whole = (flag: 'to-offset' | 'shift-by'): number => {
    const text = String(args[flag]).trim();
    if (!/^[-+]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw usage(`--${flag} needs a whole number, got '${text}'`);
    return Number(text);
  };
  switch (kind) {
    case 'to-offset':
      return { kind, offset: whole('to-offset') };
    case 'shift-by':
      return { kind, shift: whole('shift-by') };
    case 'to-datetime':
      return { kind, timestamp: parseResetDatetime(String(args['to-datetime'])) };
    case 'by-duration':
      return { kind, durationMs: parseResetDuration(String(args['by-duration'])) };
    case 'from-file':
      if (String(args['from-file']).trim() === '') throw usage('--from-file needs the path of a CSV plan');
      return { kind, path: String(args['from-file']) };
    default:
      return { kind };
  }
}

/** `t` or `t:0,1,2`, checked as Kafka checks it. */
function parseTopicArg(arg: string): TopicArg {
  if (!arg.includes(':')) {
    if (arg === '') throw usage('--topic needs a topic name');
    return { topic: arg, partitions: null };
  }
  const parts = arg.split(':');
  if (parts.length !== 2 || parts[0] === '') throw usage(`Invalid topic arg '${arg}', expected topic name and partitions`);
  const partitions = parts[1]!.split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw usage(`Invalid partition '${p}' specified in topic arg '${arg}'`);
    return Number(p.trim());
  });
  return { topic: parts[0]!, partitions };
}

/** `--state stable,empty` → Kafka's state names; '' means "show states, no filter". */
function parseStates(value: string): string[] {
  if (value.trim() === '') return [];
  return value.split(',').map((s) => {
    const found = GROUP_STATES.find((state) => state.toLowerCase() === s.trim().toLowerCase());
    if (found === undefined) throw usage(`Invalid state list '${value}'. Valid states are: ${GROUP_STATES.join(', ')}`);
    return found;
  });
}

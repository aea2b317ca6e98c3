// Drives the kafka-go programs in test/compat/go/bin: `writer` (run to completion) and
// `rebalance-reader` (a group Reader whose JSON event lines are parsed as they arrive).
import { expect } from 'vitest';
import { clients, LineProcess, run } from './compat-clients.ts';
import type { KeyedRecord } from './compat-assertions.ts';

/** An assignment a kafka-go Reader received after a (re)balance. */
export interface AssignmentEvent {
  readonly type: 'assignment';
  readonly partitions: number[];
  readonly offsets: Record<string, number>;
}
/** A message a kafka-go Reader read (and committed synchronously before reading the next). */
export interface MessageEvent extends KeyedRecord {
  readonly type: 'message';
}
type ReaderEvent = AssignmentEvent | MessageEvent | { type: 'done'; count: number; reason: string } | { type: 'error'; message: string };

/** Writes `count` messages `keyPrefix<i % keys>` / `valuePrefix<i>` for i from `start`; with `create`, creates the topic first. */
export async function goWrite(
  address: string,
  topic: string,
  options: { count: number; start?: number; keys?: number; create?: number; keyPrefix?: string; valuePrefix?: string },
): Promise<{ key: string; value: string }[]> {
  const start = options.start ?? 0;
  const keyPrefix = options.keyPrefix ?? 'k';
  const valuePrefix = options.valuePrefix ?? 'v';
  const args = ['--brokers', address, '--topic', topic, '--count', String(options.count), '--start', String(start)];
  args.push('--keys', String(options.keys ?? 0), '--key-prefix', keyPrefix, '--value-prefix', valuePrefix);
  if (options.create) args.push('--create', String(options.create));
  const out = await run(clients.goProgram('writer'), args, { timeoutMs: 90_000 });
  const events = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; count?: number; partitions?: number });
  if (options.create) expect(events).toContainEqual({ type: 'created', partitions: options.create });
  expect(events).toContainEqual({ type: 'written', count: options.count });
  return Array.from({ length: options.count }, (_, j) => {
    const i = start + j;
    return { key: `${keyPrefix}${options.keys ? i % options.keys : i}`, value: `${valuePrefix}${i}` };
  });
}

/** A running `rebalance-reader`: a kafka-go Reader in a consumer group. */
export class GoReader {
  private readonly process: LineProcess;

  constructor(
    readonly name: string,
    address: string,
    topic: string,
    group: string,
    options: { maxMessages?: number; timeoutSeconds?: number } = {},
  ) {
    const args = ['--brokers', address, '--topic', topic, '--group', group];
    args.push('--max-messages', String(options.maxMessages ?? 0), '--timeout', `${options.timeoutSeconds ?? 240}s`);
    this.process = new LineProcess(name, clients.goProgram('rebalance-reader'), args);
  }

  /** Every event so far, in arrival order. */
  events(): ReaderEvent[] {
    return this.process.lines.map((l) => JSON.parse(l) as ReaderEvent);
  }

  /** Messages read so far. */
  messages(): MessageEvent[] {
    return this.events().filter((e): e is MessageEvent => e.type === 'message');
  }

  /** Assignments received so far, oldest first. */
  assignments(): AssignmentEvent[] {
    return this.events().filter((e): e is AssignmentEvent => e.type === 'assignment');
  }

  /** The partitions of the latest assignment (undefined before the first one). */
  current(): number[] | undefined {
    return this.assignments().at(-1)?.partitions;
  }

  /** Waits until at least `n` messages were read. */
  waitForMessages(n: number, timeoutMs = 60_000): Promise<void> {
    return this.process.waitFor(() => this.messages().length >= n, `${n} messages (has ${this.messages().length})`, timeoutMs);
  }

  /** Waits until more than `after` assignments arrived and the latest satisfies `predicate`. */
  waitForAssignment(predicate: (partitions: number[]) => boolean, what: string, after = 0, timeoutMs = 60_000): Promise<void> {
    return this.process.waitFor(
      () => {
        const all = this.assignments();
        return all.length > after && predicate(all.at(-1)!.partitions);
      },
      `assignment ${what}`,
      timeoutMs,
    );
  }

  /** Waits for the process to exit by itself (max-messages or timeout) and checks it reported done. */
  async finished(): Promise<{ count: number; reason: string }> {
    const code = await this.process.exited;
    const done = this.events().find((e) => e.type === 'done');
    expect({ code, done: done !== undefined, stderr: code === 0 ? '' : this.process.stderr }).toEqual({ code: 0, done: true, stderr: '' });
    return done as { count: number; reason: string };
  }

  /** Kills the process (SIGKILL): no LeaveGroup, the coordinator must expire the member's session. */
  async crash(): Promise<void> {
    await this.process.stop('SIGKILL');
  }

  /** Closes the Reader (SIGTERM → Reader.Close → LeaveGroup) and waits for the exit. */
  async leave(): Promise<void> {
    await this.process.stop('SIGTERM');
  }
}

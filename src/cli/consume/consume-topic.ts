import { randomBytes } from 'node:crypto';
import { AssignerProtocol, type Consumer, type IHeaders, type KafkaMessage, type PartitionAssigner } from 'kafkajs';
import type { IsolationLevel } from '../../kafka/group-consumer.ts';
import { CliError } from '../cli-error.ts';
import { cliKafka, connectOrExplain } from '../kafka-client.ts';
import { requirePartition } from '../topic-partitions.ts';
import { untilSignal } from '../broker-command.ts';
import type { PrintableRecord, RecordFormatter } from './printable-record.ts';

/**
 * Where `sluice consume --partition P` starts: the partition's first or next offset, or an offset.
 *
 * @example
 * ```ts
 * const start: StartOffset = 42;
 * ```
 */
export type StartOffset = 'earliest' | 'latest' | number;

/** How {@link consumeTopic} reads and prints. */
export interface ConsumeOptions {
  address: string;
  topic: string;
  /** Where a partition without a committed offset starts: the beginning (true) or the end. */
  fromBeginning: boolean;
  /** Consumer group: offsets are committed up to the last record printed. When absent a throw-away group is used and nothing is committed. */
  group?: string;
  /** Read only this partition (no group, nothing committed), from `offset`. */
  partition?: number;
  /** With `partition`: where to start; default `fromBeginning ? 'earliest' : 'latest'`. */
  offset?: StartOffset;
  /** Stop after this many records. */
  maxMessages?: number;
  /** Stop when no record arrived for this many milliseconds (counted from joining the group). */
  timeoutMs?: number;
  /** `read_uncommitted` (Kafka's console consumer default) also shows records of open and aborted transactions. */
  isolationLevel: IsolationLevel;
  /** The bytes printed for one record. */
  format: RecordFormatter;
  /** Where the bytes go; resolves once they may be written again (backpressure). Default: standard output. */
  write?: (bytes: Buffer) => Promise<void>;
}

/** Header names and values in record order; kafkajs groups a repeated name into an array. */
function headerList(headers: IHeaders | undefined): Array<[string, Buffer | null]> {
  const list: Array<[string, Buffer | null]> = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) list.push([name, v === undefined || v === null ? null : Buffer.from(v)]);
  }
  return list;
}

/** kafkajs keeps the record batch's timestamp type (attribute bit 3) on each message it decodes. */
function timestampType(message: KafkaMessage): PrintableRecord['timestampType'] {
  const context = (message as { batchContext?: { timestampType?: number } }).batchContext;
  return context?.timestampType === 1 ? 'LogAppendTime' : 'CreateTime';
}

function printable(topic: string, partition: number, message: KafkaMessage): PrintableRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    timestampType: timestampType(message),
    key: message.key,
    value: message.value,
    headers: headerList(message.headers),
  };
}

/** A group assignor that gives the (one) member just `partition` of `topic`: `--partition` reads without the other partitions. */
function onePartitionAssigner(topic: string, partition: number): PartitionAssigner {
  return () => ({
    name: 'SluiceOnePartition',
    version: 0,
    protocol: ({ topics }) => ({ name: 'SluiceOnePartition', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) }),
    assign: async ({ members }) =>
      members.map((member, i) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: i === 0 ? { [topic]: [partition] } : {}, userData: Buffer.alloc(0) }),
      })),
  });
}

/**
 * Writes to standard output and resolves once the bytes are handed on (backpressure per batch). A
 * closed pipe (`| head`) ends the read instead of failing, as Kafka's console consumer does.
 */
function stdoutWriter(onClosed: () => void): (bytes: Buffer) => Promise<void> {
  let closed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
    onClosed();
  });
  return (bytes) =>
    closed
      ? Promise.resolve()
      : new Promise((resolve) =>
          process.stdout.write(bytes, (error) => {
            if (error) {
              closed = true;
              onClosed();
            }
            resolve();
          }),
        );
}

/**
 * Reads a topic and prints each record with `options.format` (a quick kafka-console-consumer).
 * Resolves with the number of records printed once `maxMessages` is reached, `timeoutMs` passes
 * without a record, standard output is closed, or on SIGINT/SIGTERM. With a group, what was
 * printed (and only that) is committed, also on Ctrl-C.
 *
 * @example
 * ```ts
 * const printed = await consumeTopic({ address: 'localhost:9092', topic: 'words', fromBeginning: true, maxMessages: 10, isolationLevel: 'read_uncommitted', format: kafkaMessageFormatter(new Map()) });
 * ```
 */
export async function consumeTopic(options: ConsumeOptions): Promise<number> {
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const write = options.write ?? stdoutWriter(() => stop());
  if (options.partition !== undefined) await requirePartition(options.address, options.topic, options.partition);
  const groupId = options.group ?? `sluice-cli-consume-${randomBytes(4).toString('hex')}`;
  const start = options.partition === undefined ? undefined : (options.offset ?? (options.fromBeginning ? 'earliest' : 'latest'));
  const consumer: Consumer = cliKafka(options.address, 'sluice-cli-consume').consumer({
    groupId,
    maxWaitTimeInMs: 250,
    readUncommitted: options.isolationLevel === 'read_uncommitted',
    ...(options.partition === undefined ? {} : { partitionAssigners: [onePartitionAssigner(options.topic, options.partition)] }),
  });
  await connectOrExplain(consumer, options.address);
  let printed = 0;
  let stopping = false;
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (options.timeoutMs === undefined) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stop, options.timeoutMs);
  };
  const limitReached = (): boolean => options.maxMessages !== undefined && printed >= options.maxMessages;
  // The batch being printed and committed; stopping waits for it so that what was printed is committed.
  let inFlight: Promise<void> = Promise.resolve();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: start === undefined ? options.fromBeginning : start === 'earliest' });
    // The timeout counts from joining the group: a slow join (a loaded machine, a rebalance delay) is not idleness.
    consumer.on(consumer.events.GROUP_JOIN, armIdle);
    await consumer.run({
      // Offsets are committed here, only up to the last record printed (kafkajs would commit whole batches).
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: ({ batch, resolveOffset }) => {
        if (stopping || limitReached()) return Promise.resolve();
        inFlight = (async () => {
          const out: Buffer[] = [];
          let next: bigint | undefined;
          for (const message of batch.messages) {
            if (limitReached()) break;
            out.push(options.format(printable(batch.topic, batch.partition, message)));
            printed += 1;
            resolveOffset(message.offset);
            next = BigInt(message.offset) + 1n;
          }
          armIdle();
          if (limitReached()) stop();
          if (out.length > 0) await write(Buffer.concat(out));
          if (options.group !== undefined && next !== undefined) {
            await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next.toString() }]);
          }
        })();
        return inFlight;
      },
    });
    if (typeof start === 'number') consumer.seek({ topic: options.topic, partition: options.partition!, offset: String(start) });
    if (options.maxMessages === 0) stop();
    await Promise.race([stopped, untilSignal()]);
    stopping = true;
    await inFlight;
  } finally {
    clearTimeout(idleTimer);
    await consumer.disconnect();
  }
  return printed;
}

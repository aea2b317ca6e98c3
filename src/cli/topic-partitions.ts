import { CliError } from './cli-error.ts';
import { cliKafka, connectOrExplain } from './kafka-client.ts';

/**
 * The number of partitions of an existing topic; a CliError when the topic does not exist.
 *
 * @example
 * ```ts
 * const n = await partitionCount('localhost:9092', 'words'); // 3
 * ```
 */
export async function partitionCount(address: string, topic: string): Promise<number> {
  const admin = cliKafka(address, 'sluice-cli').admin();
  await connectOrExplain(admin, address);
  try {
    if (!(await admin.listTopics()).includes(topic)) throw new CliError(`No such topic: ${topic} — see \`sluice topics list\``);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    return metadata?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Checks that `topic` exists and has `partition`; a CliError naming the valid range otherwise.
 *
 * @example
 * ```ts
 * await requirePartition('localhost:9092', 'words', 2);
 * ```
 */
export async function requirePartition(address: string, topic: string, partition: number): Promise<void> {
  const count = await partitionCount(address, topic);
  if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
    throw new CliError(`--partition ${partition}: topic ${topic} has ${count} partition(s), numbered 0 to ${count - 1}`);
  }
}

import type { Logger } from 'pino';
import { SluiceError } from '../../errors.ts';
import type { ConsumedMessage } from '../consumed-message.ts';
import type { PartitionReadRequest } from '../kafka-client.ts';
import type { Cluster } from './cluster.ts';
import { Fetcher } from './fetcher.ts';

/**
 * Reads one partition between two offsets by fetching it directly (manual assignment: no group,
 * nothing committed). The read is over once the fetch position reaches `toOffset`, also when the
 * last offsets before it hold no records a reader sees (transaction markers, aborted records).
 *
 * @example
 * ```ts
 * for await (const batch of readPartitionNative(cluster, logger, { topic: 'changelog', partition: 0, fromOffset: 0, toOffset: 120 })) apply(batch);
 * ```
 */
export async function* readPartitionNative(cluster: Cluster, logger: Logger, request: PartitionReadRequest): AsyncIterable<readonly ConsumedMessage[]> {
  const { topic, partition, fromOffset, toOffset } = request;
  if (toOffset <= fromOffset) return;
  const stallTimeoutMs = request.stallTimeoutMs ?? 30_000;
  const fetcher = new Fetcher({ cluster, logger, isolationLevel: request.isolationLevel ?? 'read_committed', autoOffsetReset: 'earliest', maxWaitMs: 200, partitionMaxBytes: 4 * 1024 * 1024 });
  const tp = { topic, partition };
  fetcher.assign([{ topic, partition, offset: Math.max(0, fromOffset) }]);
  let lastProgress = Date.now();
  try {
    for (;;) {
      const batch = await fetcher.next(200);
      if (batch) {
        lastProgress = Date.now();
        const last = batch.messages[batch.messages.length - 1]!.offset;
        yield last < toOffset ? batch.messages : batch.messages.filter((m) => m.offset < toOffset);
        if (last >= toOffset - 1) return;
        continue;
      }
      // nothing held: once the fetch position passed the end, every record before it was delivered
      const position = fetcher.position(tp);
      if (position !== undefined && position >= toOffset) return;
      if (Date.now() - lastProgress > stallTimeoutMs) {
        throw new SluiceError(`reading ${topic}[${partition}] made no progress for ${stallTimeoutMs} ms before offset ${toOffset - 1} (at ${position ?? 'no position yet'}); check the broker and the topic`, { retriable: true });
      }
    }
  } finally {
    fetcher.stop();
  }
}

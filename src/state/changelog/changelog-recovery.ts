import cliProgress from 'cli-progress';
import { decodeKey } from '../base/key-codec.ts';
import { StateError } from '../base/state-error.ts';
import type { StateStore } from '../base/state-store.ts';
import { SOURCE_OFFSET_HEADER } from './changelog-topic.ts';

/** A record read back from a changelog partition. */
export interface ChangelogMessage {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | undefined>;
}

/** Options of {@link ChangelogRecovery}. */
export interface ChangelogRecoveryOptions {
  store: StateStore;
  storeName: string;
  /** Show a progress bar: `'auto'` (default) = when the stream is a TTY and more than 10,000 records. */
  progress?: boolean | 'auto';
  /** Where the progress bar goes; default stderr. */
  progressStream?: NodeJS.WriteStream;
}

/** What {@link ChangelogRecovery.recover} did. */
export interface RecoveryResult {
  /** True when the local store already matched the changelog end and nothing was read. */
  skipped: boolean;
  /** Changelog records applied. */
  applied: number;
  /** The highest source offset in the replayed records' headers (undefined if none or skipped). */
  sourceOffset?: number;
}

/** Input of {@link ChangelogRecovery.recover}. */
export interface RecoverInput {
  /** The changelog partition's high watermark: the offset after the last record. */
  endOffset: number;
  /** The partition's low watermark, for the progress bar total; default 0. */
  startOffset?: number;
  /** Opens a read of the changelog partition from its beginning, in batches. */
  read: () => AsyncIterable<readonly ChangelogMessage[]>;
}

const PROGRESS_THRESHOLD = 10_000;

/**
 * Rebuilds one store of one partition from its changelog. When the store's recorded changelog
 * offset equals the changelog's last offset the store is current and nothing is read; otherwise
 * (behind, ahead, or never recorded) the store is cleared and every record up to the end offset
 * is replayed. The store's processed offset becomes the highest source offset found in the headers.
 *
 * @example
 * ```ts
 * const recovery = new ChangelogRecovery({ store, storeName: 'default' });
 * await recovery.recover({ endOffset: highWatermark, read: () => consumeChangelog(topic, partition) });
 * ```
 */
export class ChangelogRecovery {
  private readonly options: Readonly<Required<ChangelogRecoveryOptions>>;

  constructor(options: ChangelogRecoveryOptions) {
    this.options = Object.freeze({ progress: 'auto', progressStream: process.stderr, ...options });
  }

  /** Whether the store differs from a changelog ending (exclusive) at `endOffset`. */
  isNeeded(endOffset: number): boolean {
    const recorded = this.options.store.changelogOffset(this.options.storeName);
    return endOffset === 0 ? recorded !== undefined : recorded !== endOffset - 1;
  }

  async recover(input: RecoverInput): Promise<RecoveryResult> {
    const { store, storeName } = this.options;
    const { endOffset } = input;
    if (!this.isNeeded(endOffset)) return { skipped: true, applied: 0 };
    store.clear(storeName);
    if (endOffset === 0) {
      // an empty changelog: the stored processed offset belongs to state that no longer exists
      store.begin().commit({ processedOffsets: { [storeName]: null } });
      return { skipped: false, applied: 0 };
    }
    const total = endOffset - (input.startOffset ?? 0);
    const showBar = this.options.progress === true || (this.options.progress === 'auto' && this.options.progressStream.isTTY && total > PROGRESS_THRESHOLD);
    const bar = showBar ? new cliProgress.SingleBar({ format: `recovering ${storeName} of ${store.topic}[${store.partition}] {bar} {value}/{total}`, stream: this.options.progressStream }, cliProgress.Presets.shades_classic) : undefined;
    bar?.start(total, 0);
    let applied = 0;
    let processed: number | undefined;
    try {
      let reachedEnd = false;
      for await (const batch of input.read()) {
        const tx = store.begin();
        const view = tx.view(storeName);
        let last: number | undefined;
        for (const message of batch) {
          if (message.offset >= endOffset) {
            reachedEnd = true;
            break;
          }
          if (message.key === null) {
            tx.abort();
            throw new StateError(`Changelog record at offset ${message.offset} for store "${storeName}" of ${store.topic}[${store.partition}] has no key; the changelog topic is not written by sluice.`);
          }
          const key = decodeKey(message.key);
          if (message.value === null) view.delete(key);
          else view.set(key, JSON.parse(message.value.toString('utf8')));
          const source = message.headers?.[SOURCE_OFFSET_HEADER];
          if (source !== undefined) processed = Math.max(processed ?? -1, Number(source.toString()));
          last = message.offset;
          applied++;
        }
        tx.commit({
          ...(last === undefined ? {} : { changelogOffsets: { [storeName]: last } }),
          ...(processed === undefined ? {} : { processedOffsets: { [storeName]: processed } }),
        });
        bar?.update(Math.min(total, applied));
        if (reachedEnd || (last !== undefined && last >= endOffset - 1)) break;
      }
      const tx = store.begin();
      tx.commit({ changelogOffsets: { [storeName]: endOffset - 1 }, processedOffsets: { [storeName]: processed ?? null } });
    } finally {
      bar?.stop();
    }
    return { skipped: false, applied, ...(processed === undefined ? {} : { sourceOffset: processed }) };
  }
}

/** One partition a fetch reads, as the request (or the session) gives it. */
export interface FetchTarget {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

/** What the last response told the client about a partition (an incremental response repeats it only when it changed). */
interface Sent {
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
}

/** The part of a partition's answer a session compares with what it sent before. */
export interface PartitionAnswer {
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  readonly recordBytes: number;
}

/** Next epoch after `epoch`: 1 follows 2^31 - 1 (0 and -1 are reserved for full fetches). */
export function nextSessionEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}

const key = (topic: string, partition: number): string => `${partition}:${topic}`;

/**
 * One incremental fetch session (KIP-227): the partitions a client fetches, with the fetch offset
 * and limit it last sent for each and what the broker last answered, so that an incremental
 * request names only partitions whose position changed and an incremental response carries only
 * partitions with records or changed offsets (or an error).
 *
 * @example
 * ```ts
 * const session = new FetchSession(7, targets, Date.now());
 * session.update([{ topic: 't', partition: 0, fetchOffset: 42, maxBytes: 1 << 20 }], [], Date.now());
 * if (session.mustAnswer('t', 0, answer)) include(answer);
 * ```
 */
export class FetchSession {
  /** The epoch the client must send next. */
  epoch = 1;
  lastUsedMs: number;
  private readonly partitions = new Map<string, { target: FetchTarget; sent: Sent | null }>();

  constructor(
    readonly id: number,
    targets: readonly FetchTarget[],
    now: number,
  ) {
    this.lastUsedMs = now;
    for (const t of targets) this.partitions.set(key(t.topic, t.partition), { target: t, sent: null });
  }

  /** Number of partitions in the session. */
  get size(): number {
    return this.partitions.size;
  }

  /** Applies an incremental request: changed or added partitions, then forgotten ones. */
  update(changed: readonly FetchTarget[], forgotten: readonly { topic: string; partition: number }[], now: number): void {
    for (const t of changed) {
      const k = key(t.topic, t.partition);
      const known = this.partitions.get(k);
      this.partitions.set(k, { target: t, sent: known?.sent ?? null });
    }
    for (const f of forgotten) this.partitions.delete(key(f.topic, f.partition));
    this.lastUsedMs = now;
    this.epoch = nextSessionEpoch(this.epoch);
  }

  /** Every partition of the session, in the order they joined it. */
  targets(): FetchTarget[] {
    return [...this.partitions.values()].map((p) => p.target);
  }

  /**
   * Whether an incremental response must include the partition: it has records or an error, or
   * its high watermark, last stable or log start offset differs from what was last sent.
   */
  mustAnswer(topic: string, partition: number, answer: PartitionAnswer): boolean {
    const sent = this.partitions.get(key(topic, partition))?.sent ?? null;
    return answer.recordBytes > 0 || answer.errorCode !== 0 || sent === null
      || sent.highWatermark !== answer.highWatermark || sent.lastStableOffset !== answer.lastStableOffset || sent.logStartOffset !== answer.logStartOffset;
  }

  /** Remembers what the response told the client; after an error the partition is resent once it clears. */
  recordSent(topic: string, partition: number, answer: PartitionAnswer): void {
    const entry = this.partitions.get(key(topic, partition));
    if (entry === undefined) return;
    entry.sent = answer.errorCode !== 0 ? null : { highWatermark: answer.highWatermark, lastStableOffset: answer.lastStableOffset, logStartOffset: answer.logStartOffset };
  }
}

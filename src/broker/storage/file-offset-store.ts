import { openJsonLinesStore, type JsonLinesFile, type JsonLinesStoreOptions } from './json-lines-file.ts';
import type { CommittedOffset, OffsetStore } from './log-storage.ts';

const FILE = 'consumer-offsets.log';
/** Lines written after which the file is rewritten, if they also outnumber live entries twice. */
const COMPACT_AFTER_LINES = 10_000;

/** Options of `FileOffsetStore`: `dataDir` holds `consumer-offsets.log` (created when missing). */
export type FileOffsetStoreOptions = JsonLinesStoreOptions;

/** `c`: a commit; `d`: a deleted group; `x`: one deleted partition offset (group, topic, partition). */
type Line =
  | { c: [string, string, number, number, number, string | null, number] }
  | { d: string }
  | { x: [string, string, number] };

/**
 * Committed consumer-group offsets, durable in `<dataDir>/consumer-offsets.log`: one JSON line per
 * commit or deletion written synchronously (so a commit or deletion that returned survives
 * `kill -9`), replayed and
 * compacted (rewritten atomically) on open and whenever superseded lines pile up.
 *
 * @example
 * ```ts
 * const offsets = new FileOffsetStore({ dataDir: '/tmp/sluice-data' });
 * offsets.commit('word-counter', 'words', 0, { offset: 42, leaderEpoch: -1, metadata: null, commitTimestamp: Date.now() });
 * offsets.fetch('word-counter', 'words', 0)?.offset; // 42
 * ```
 */
export class FileOffsetStore implements OffsetStore {
  private readonly file: JsonLinesFile<Line>;
  private readonly data = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private live = 0;

  constructor(options: FileOffsetStoreOptions) {
    this.file = openJsonLinesStore<Line>(options, FILE, 'offset commit', 'FileOffsetStore');
    this.file.replay((line) => this.replay(line));
    this.compact();
  }

  commit(group: string, topic: string, partition: number, offset: CommittedOffset): void {
    const value: CommittedOffset = Object.freeze({
      offset: offset.offset, leaderEpoch: offset.leaderEpoch, metadata: offset.metadata, commitTimestamp: offset.commitTimestamp,
    });
    this.write({ c: [group, topic, partition, value.offset, value.leaderEpoch, value.metadata, value.commitTimestamp] });
    this.apply(group, topic, partition, value);
  }

  fetch(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.data.get(group)?.get(topic)?.get(partition);
  }

  fetchAll(group: string): Map<string, Map<number, CommittedOffset>> {
    const out = new Map<string, Map<number, CommittedOffset>>();
    for (const [topic, parts] of this.data.get(group) ?? []) out.set(topic, new Map(parts));
    return out;
  }

  deleteOffset(group: string, topic: string, partition: number): boolean {
    if (this.fetch(group, topic, partition) === undefined) return false;
    this.write({ x: [group, topic, partition] });
    this.removeOffset(group, topic, partition);
    return true;
  }

  deleteGroup(group: string): void {
    if (!this.data.has(group)) return;
    this.write({ d: group });
    this.remove(group);
  }

  groups(): string[] {
    return [...this.data.keys()];
  }

  close(): void {
    this.file.close();
  }

  private write(line: Line): void {
    this.file.append(line);
    const appended = this.file.appendedSinceRewrite;
    if (appended > COMPACT_AFTER_LINES && appended > 2 * this.live) this.compact();
  }

  private apply(group: string, topic: string, partition: number, value: CommittedOffset): void {
    let topics = this.data.get(group);
    if (!topics) this.data.set(group, (topics = new Map()));
    let parts = topics.get(topic);
    if (!parts) topics.set(topic, (parts = new Map()));
    if (!parts.has(partition)) this.live++;
    parts.set(partition, value);
  }

  private remove(group: string): void {
    for (const parts of this.data.get(group)?.values() ?? []) this.live -= parts.size;
    this.data.delete(group);
  }

  private removeOffset(group: string, topic: string, partition: number): void {
    const topics = this.data.get(group);
    const parts = topics?.get(topic);
    if (topics === undefined || parts === undefined || !parts.delete(partition)) return;
    this.live--;
    if (parts.size === 0) topics.delete(topic);
    if (topics.size === 0) this.data.delete(group);
  }

  private replay(line: Line): void {
    if ('d' in line) this.remove(line.d);
    else if ('x' in line) {
      if (Array.isArray(line.x) && line.x.length === 3) this.removeOffset(...line.x);
    }
    else if (Array.isArray(line.c) && line.c.length === 7) {
      const [group, topic, partition, offset, leaderEpoch, metadata, commitTimestamp] = line.c;
      this.apply(group, topic, partition, Object.freeze({ offset, leaderEpoch, metadata, commitTimestamp }));
    }
  }

  /** Rewrites the file with one line per live committed offset, then reopens it for appends. */
  private compact(): void {
    const lines: Line[] = [];
    for (const [group, topics] of this.data) {
      for (const [topic, parts] of topics) {
        for (const [p, v] of parts) lines.push({ c: [group, topic, p, v.offset, v.leaderEpoch, v.metadata, v.commitTimestamp] });
      }
    }
    this.file.rewrite(lines);
  }
}

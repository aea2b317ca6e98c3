// Changelog topics in memory, for state tests that need no broker.
import type { ChangelogMessage } from '../../src/state/changelog/changelog-recovery.ts';
import type { ChangelogRecord } from '../../src/state/changelog/changelog-topic.ts';
import type { ChangelogReader } from '../../src/state/state-manager.ts';
import type { OutgoingRecord } from '../../src/topics/message-context.ts';

/** An in-memory stand-in for changelog topics: appends produced records, reads them back. */
export class FakeChangelog implements ChangelogReader {
  readonly logs = new Map<string, ChangelogMessage[]>();
  reads = 0;

  produce(records: ReadonlyArray<ChangelogRecord | OutgoingRecord>): (topic: string, partition: number) => number | undefined {
    const last = new Map<string, number>();
    for (const r of records) {
      const id = `${r.topic}[${r.partition ?? 0}]`;
      const log = this.logs.get(id) ?? [];
      log.push({ offset: log.length, key: r.key, value: r.value, headers: r.headers });
      this.logs.set(id, log);
      last.set(id, log.length - 1);
    }
    return (topic, partition) => last.get(`${topic}[${partition}]`);
  }

  /** Appends a transaction marker to each named partition: it takes an offset but is never read. */
  marker(topic: string, partition: number): void {
    const id = `${topic}[${partition}]`;
    const log = this.logs.get(id) ?? [];
    log.push({ offset: log.length, key: null, value: null, control: true } as ChangelogMessage);
    this.logs.set(id, log);
  }

  async watermarks(topic: string, partition: number) {
    return { low: 0, high: this.logs.get(`${topic}[${partition}]`)?.length ?? 0 };
  }

  async *read(topic: string, partition: number, endOffset: number) {
    this.reads++;
    yield (this.logs.get(`${topic}[${partition}]`) ?? []).filter((m) => m.offset < endOffset && !(m as { control?: boolean }).control);
  }
}

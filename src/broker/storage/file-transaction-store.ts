import { openJsonLinesStore, type JsonLinesFile, type JsonLinesStoreOptions } from './json-lines-file.ts';
import { isTxnEnded } from '../transactions/transaction-state.ts';
import type { PendingOffset, StoredTransactions, TransactionRecord, TransactionStore } from '../transactions/transaction-store.ts';

const FILE = 'transactions.log';
/** Lines written after which the file is rewritten, if they also outnumber live entries twice. */
const COMPACT_AFTER_LINES = 10_000;

/** Options of `FileTransactionStore`: `dataDir` holds `transactions.log` (created when missing). */
export type FileTransactionStoreOptions = JsonLinesStoreOptions;

type OffsetTuple = [string, string, number, number, number, string | null];
type Line = { t: TransactionRecord } | { o: [string, ...OffsetTuple] } | { x: string } | { p: number };

/**
 * The transaction coordinator's log in `<dataDir>/transactions.log`: one JSON line per change of a
 * transactional id (`t`), per transactional offset commit (`o`), per expired id (`x`) and per
 * reserved block of producer ids (`p`), each written synchronously before the change is
 * acknowledged (so it survives `kill -9`), replayed and compacted on open and whenever superseded
 * lines pile up.
 *
 * @example
 * ```ts
 * const store = new FileTransactionStore({ dataDir: '/tmp/sluice-data' });
 * const { transactions, producerIdBlockEnd } = store.load();
 * store.save({ ...record, state: 'Ongoing' });
 * store.close();
 * ```
 */
export class FileTransactionStore implements TransactionStore {
  private readonly file: JsonLinesFile<Line>;
  private readonly records = new Map<string, TransactionRecord>();
  private readonly pending = new Map<string, PendingOffset[]>();
  private blockEnd = 0;
  private readonly loaded: StoredTransactions;

  constructor(options: FileTransactionStoreOptions) {
    this.file = openJsonLinesStore<Line>(options, FILE, 'transaction record', 'FileTransactionStore');
    this.file.replay((line) => this.apply(line));
    this.compact();
    this.loaded = {
      transactions: [...this.records.values()],
      pendingOffsets: new Map([...this.pending].map(([id, offsets]) => [id, [...offsets]])),
      producerIdBlockEnd: this.blockEnd,
    };
  }

  load(): StoredTransactions {
    return this.loaded;
  }

  save(record: TransactionRecord): void {
    this.write({ t: record });
  }

  remove(transactionalId: string): void {
    this.write({ x: transactionalId });
  }

  addPendingOffsets(transactionalId: string, offsets: readonly PendingOffset[]): void {
    for (const o of offsets) this.write({ o: [transactionalId, o.group, o.topic, o.partition, o.offset, o.leaderEpoch, o.metadata] });
  }

  reserveProducerIds(blockEnd: number): void {
    this.write({ p: blockEnd });
  }

  close(): void {
    this.file.close();
  }

  private write(line: Line): void {
    this.file.append(line);
    this.apply(line);
    const appended = this.file.appendedSinceRewrite;
    if (appended > COMPACT_AFTER_LINES && appended > 2 * this.liveLines()) this.compact();
  }

  private apply(line: Line): void {
    if ('t' in line) {
      this.records.set(line.t.transactionalId, line.t);
      if (isTxnEnded(line.t.state)) this.pending.delete(line.t.transactionalId);
    } else if ('o' in line) {
      const [id, group, topic, partition, offset, leaderEpoch, metadata] = line.o;
      const list = (this.pending.get(id) ?? []).filter((p) => p.group !== group || p.topic !== topic || p.partition !== partition);
      list.push({ group, topic, partition, offset, leaderEpoch, metadata });
      this.pending.set(id, list);
    } else if ('x' in line) {
      this.records.delete(line.x);
      this.pending.delete(line.x);
    } else if ('p' in line && typeof line.p === 'number') {
      this.blockEnd = Math.max(this.blockEnd, line.p);
    }
  }

  private liveLines(): number {
    let n = this.records.size + 1;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }

  /** Rewrites the file with one line per record, its pending offsets, and the producer id block. */
  private compact(): void {
    const lines: Line[] = [{ p: this.blockEnd }];
    for (const record of this.records.values()) {
      lines.push({ t: record });
      for (const o of this.pending.get(record.transactionalId) ?? []) {
        lines.push({ o: [record.transactionalId, o.group, o.topic, o.partition, o.offset, o.leaderEpoch, o.metadata] });
      }
    }
    this.file.rewrite(lines);
  }
}

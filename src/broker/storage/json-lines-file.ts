import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { createLogger, type Logger } from '../../logger.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { StorageError } from './errors.ts';

/**
 * An append-only file of JSON lines, the durable log behind the broker's small stores (committed
 * offsets, transactions). Each `append` is one synchronous write, so a line that returned survives
 * `kill -9`; `replay` reads the lines back (dropping a torn last line with a warning) and
 * `rewrite` compacts the file atomically.
 *
 * @example
 * ```ts
 * const file = new JsonLinesFile<{ c: number }>(path.join(dataDir, 'things.log'), logger, 'thing');
 * file.replay((line) => apply(line));
 * file.rewrite(liveLines());
 * file.append({ c: 1 });
 * file.close();
 * ```
 */
export class JsonLinesFile<Line> {
  private fd = -1;
  private appended = 0;

  /** `what` names a line in warnings ("offset commit", "transaction record"). */
  constructor(
    readonly file: string,
    private readonly log: Logger,
    private readonly what: string,
  ) {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    const stem = `.${path.basename(file)}.`;
    for (const name of fs.readdirSync(dir)) if (name.startsWith(stem) && name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
  }

  /** Lines appended since the last rewrite. */
  get appendedSinceRewrite(): number {
    return this.appended;
  }

  /** Calls `apply` with every readable line of the file, in order. */
  replay(apply: (line: Line) => void): void {
    if (!fs.existsSync(this.file)) return;
    const lines = fs.readFileSync(this.file, 'utf8').split('\n');
    lines.forEach((raw, i) => {
      if (raw.length === 0) return;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        const last = i >= lines.length - 2;
        this.log.warn({ file: this.file, line: i + 1 }, last ? `dropping a torn last ${this.what}` : `skipping an unreadable ${this.what} line`);
        return;
      }
      apply(line);
    });
  }

  /** Appends one line with a synchronous write. */
  append(line: Line): void {
    if (this.fd < 0) throw new StorageError(`${this.file} is closed; open its store again`);
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
    this.appended++;
  }

  /** Replaces the file's content with `lines` (atomically), then reopens it for appends. */
  rewrite(lines: readonly Line[]): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    writeFileAtomic(this.file, lines.length > 0 ? `${lines.map((l) => JSON.stringify(l)).join('\n')}\n` : '');
    this.fd = fs.openSync(this.file, 'a');
    this.appended = 0;
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** fsyncs and closes; idempotent. */
  close(): void {
    if (this.fd < 0) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** Options of a store kept in one JSON-lines file under the data directory (offsets, transactions). */
export interface JsonLinesStoreOptions {
  /** Directory of the store's file; created when missing. */
  dataDir: string;
  logger?: Logger;
}

const StoreOptionsSchema = z
  .object({
    dataDir: z.string().min(1),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function').optional(),
  })
  .strict();

/**
 * Validates a store's options (a ConfigError names the bad option and the store) and opens its
 * file `<dataDir>/<fileName>`.
 *
 * @example
 * ```ts
 * this.file = openJsonLinesStore<Line>(options, 'consumer-offsets.log', 'offset commit', 'FileOffsetStore');
 * ```
 */
export function openJsonLinesStore<Line>(options: JsonLinesStoreOptions, fileName: string, what: string, store: string): JsonLinesFile<Line> {
  const parsed = StoreOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${store} option "${issue.path.join('.') || '(root)'}": ${issue.message}; see ${store}Options`);
  }
  const log = parsed.data.logger ?? createLogger(store);
  return new JsonLinesFile<Line>(path.join(path.resolve(parsed.data.dataDir), fileName), log, what);
}

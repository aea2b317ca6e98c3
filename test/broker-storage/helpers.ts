import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../../src/logger.ts';
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/record-batch.ts';

/** A fresh temp directory for one test. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-storage-'));
}

/** A record batch of `count` records with values `${prefix}-${i}` and the given timestamp. */
export function batch(count: number, options: { prefix?: string; timestamp?: number; valueBytes?: number } = {}): Buffer {
  const prefix = options.prefix ?? 'v';
  const pad = options.valueBytes ? 'x'.repeat(options.valueBytes) : '';
  return encodeRecordBatch({
    records: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `${prefix}-${i}${pad}`, timestamp: options.timestamp ?? 1_700_000_000_000 })),
  });
}

/** [baseOffset, recordCount, first value] of each batch in a read result. */
export function summarize(bytes: Buffer): [number, number, string][] {
  return decodeRecordBatches(bytes).map((b) => [b.baseOffset, b.records.length, b.records[0]?.value?.toString() ?? '']);
}

/** A logger that records warn and info messages. */
export function captureLogger(): { logger: Logger; warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  const logger = {
    warn: (_obj: unknown, msg?: string) => warnings.push(msg ?? String(_obj)),
    info: (_obj: unknown, msg?: string) => infos.push(msg ?? String(_obj)),
    debug: () => {},
    error: () => {},
  } as unknown as Logger;
  return { logger, warnings, infos };
}

/** Every file and directory below `dir`, relative to it, sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      out.push(path.relative(dir, full));
      if (e.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out.sort();
}

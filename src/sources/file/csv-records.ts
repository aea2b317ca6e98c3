import { createReadStream } from 'node:fs';
import { parse, CsvError } from 'csv-parse';
import { FileRecordError, type FileRecord } from './file-record.ts';

/** Rows buffered before the parser is paused until the source has taken them. */
const ROWS_PER_BATCH = 1000;

/**
 * How a CSV file is read (passed to csv-parse).
 *
 * @example
 * ```ts
 * const csv: CsvOptions = { delimiter: ';', cast: true };
 * ```
 */
export interface CsvOptions {
  /** Field delimiter; default `,`. */
  delimiter?: string;
  /** Column names when the file has no header row; default: the first row is the header. */
  columns?: string[];
  /** Turn numbers (and ISO dates) into numbers and Dates; default false (strings). */
  cast?: boolean;
}

/**
 * Reads a CSV file with csv-parse from byte `start` in batches of rows (objects by column), each
 * with its line and the byte offset after it. From the start of the file the header row names the
 * columns (unless `columns` is given) and is reported through `onColumns`; a resumed read passes
 * the columns it was given. A malformed row throws {@link FileRecordError} naming its line, after
 * the batch of the rows before it.
 *
 * @example
 * ```ts
 * for await (const batch of readCsv('data/orders.csv', { start: 0, line: 1 }, { cast: true })) console.log(batch.length);
 * ```
 */
export async function* readCsv(
  path: string,
  from: { start: number; line: number; columns?: string[] },
  options: CsvOptions,
  onColumns?: (columns: string[]) => void,
): AsyncGenerator<FileRecord[]> {
  const columns = from.columns ?? options.columns;
  const parser = parse({
    columns: columns ?? ((header: string[]) => (onColumns?.(header), header)),
    info: true,
    bom: from.start === 0,
    skip_empty_lines: true,
    cast: options.cast ?? false,
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
  });
  const input = createReadStream(path, { start: from.start });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  const lineBase = from.line - 1; // lines before the read
  // 'data' events, not the async iterator: rows parsed before a malformed one in the same chunk
  // reach the source before the error does (the iterator drops them when the stream errors).
  type Row = { record: Record<string, unknown>; info: { bytes: number; lines: number } };
  const queue: Row[] = [];
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  parser.on('data', (row: Row) => {
    queue.push(row);
    if (queue.length >= ROWS_PER_BATCH) parser.pause();
    notify();
  });
  parser.on('error', (e) => {
    failure = e;
    notify();
  });
  parser.on('end', () => {
    ended = true;
    notify();
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        const rows = queue.splice(0, queue.length);
        parser.resume();
        yield rows.map((row) => ({ value: row.record, line: lineBase + row.info.lines, end: from.start + row.info.bytes }));
        continue;
      }
      if (failure instanceof CsvError) throw new FileRecordError(lineBase + Number((failure as CsvError & { lines?: number }).lines ?? 0), `not valid CSV (${failure.message})`);
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    input.destroy();
  }
}

import { createReadStream } from 'node:fs';
import { FileRecordError, type FileRecord } from './file-record.ts';

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Reads a JSON-lines file from byte `start` (a line start) in batches of parsed records, one batch
 * per chunk read, each record with its line number and the byte offset after it. Blank lines are
 * skipped; a last line without a line break counts when the file ends. A line that is not JSON
 * throws {@link FileRecordError} after the batch of the lines before it.
 *
 * @example
 * ```ts
 * for await (const batch of readJsonLines('data/orders.jsonl', { start: 0, line: 1 })) for (const r of batch) console.log(r.line, r.value);
 * ```
 */
export async function* readJsonLines(path: string, from: { start: number; line: number }): AsyncGenerator<FileRecord[]> {
  let pending: Buffer[] = []; // the start of a line whose end is in a later chunk
  let chunkStart = from.start; // absolute offset of the chunk at hand
  let line = from.line;
  let failure: FileRecordError | undefined;
  const parse = (bytes: Buffer, end: number, batch: FileRecord[]): void => {
    const length = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    const text = bytes.toString('utf8', 0, length);
    if (text.trim() !== '') {
      try {
        batch.push({ value: JSON.parse(text), line, end });
      } catch (e) {
        failure = new FileRecordError(line, `not valid JSON (${(e as Error).message})`);
      }
    }
    line++;
  };
  for await (const chunk of createReadStream(path, { start: from.start }) as AsyncIterable<Buffer>) {
    const batch: FileRecord[] = [];
    let lineStart = 0;
    for (let i = chunk.indexOf(NEWLINE); i !== -1 && !failure; i = chunk.indexOf(NEWLINE, i + 1)) {
      const piece = chunk.subarray(lineStart, i);
      parse(pending.length > 0 ? Buffer.concat([...pending, piece]) : piece, chunkStart + i + 1, batch);
      pending = [];
      lineStart = i + 1;
    }
    if (batch.length > 0) yield batch;
    if (failure) throw failure;
    if (lineStart < chunk.length) pending.push(chunk.subarray(lineStart));
    chunkStart += chunk.length;
  }
  if (pending.length > 0) {
    const batch: FileRecord[] = [];
    parse(Buffer.concat(pending), chunkStart, batch);
    if (batch.length > 0) yield batch;
    if (failure) throw failure;
  }
}

import type { FileHandle } from 'node:fs/promises';

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const CHUNK = 1 << 20;

/**
 * The length of the part of a CSV file that ends with a complete record: the position after the
 * last newline outside quotes. Less than the file's size when a write was cut short (a process
 * killed mid-batch): the rest is a torn record. Reads the file once, in 1 MiB chunks (a quote
 * inside a quoted field is doubled, so counting quotes tells whether a newline is inside one).
 *
 * @example
 * ```ts
 * const keep = await completeCsvLength(handle, size);
 * if (keep < size) await handle.truncate(keep);
 * ```
 */
export async function completeCsvLength(file: FileHandle, size: number): Promise<number> {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
  let inQuotes = false;
  let complete = 0;
  for (let position = 0; position < size; ) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - position), position);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++) {
      const byte = buffer[i];
      if (byte === QUOTE) inQuotes = !inQuotes;
      else if (byte === NEWLINE && !inQuotes) complete = position + i + 1;
    }
    position += bytesRead;
  }
  return complete;
}

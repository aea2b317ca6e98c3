/**
 * One record read from a file, with where it ends: what a file source produces and the position
 * it stores after it.
 *
 * @example
 * ```ts
 * const r: FileRecord = { value: { id: 1 }, line: 3, end: 42 };
 * ```
 */
export interface FileRecord {
  /** The parsed JSON value, or the CSV row (an object by column). */
  value: unknown;
  /** 1-based line of the record (the last one of a CSV record spanning several), for messages. */
  line: number;
  /** Byte offset just after the record (and its line break): where the next read starts. */
  end: number;
}

/**
 * A record that could not be parsed: where it is and why.
 *
 * @example
 * ```ts
 * throw new FileRecordError(17, 'not valid JSON (Unexpected token } in JSON at position 9)');
 * ```
 */
export class FileRecordError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

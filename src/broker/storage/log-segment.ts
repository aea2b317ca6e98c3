import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../logger.ts';
import { CorruptRecordError } from '../../protocol/protocol-error.ts';
import { decodeRecordBatch } from '../../protocol/record-batch.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { BATCH, batchIsValid, readBatchHeader, readInt64, stampLogAppendTime, writeInt64, type BatchHeader } from './batch-header.ts';
import type { FdCache } from './fd-cache.ts';
import { OffsetIndex } from './offset-index.ts';

const HEADER = BATCH.headerSize;
const EMPTY = Buffer.alloc(0);
/** Shared buffer for header scans; every use is synchronous and does not nest. */
const scratch = Buffer.allocUnsafe(16 * 1024);
/** File range of the segment whose bytes `scratch` holds after the last `walk` (reused by `read`). */
let scratchOwner: LogSegment | null = null;
let scratchStart = 0;
let scratchLen = 0;
const RECOVERY_CHUNK = 1024 * 1024;

/** What a segment needs from its partition. */
export interface SegmentContext {
  readonly fds: FdCache;
  readonly indexIntervalBytes: number;
  readonly log: Logger;
  /** `topic-partition`, for log lines. */
  readonly name: string;
}

/** `at` is the header's position in the shared scratch buffer, valid during the call only. */
type HeaderVisitor = (position: number, baseOffset: number, size: number, lastOffsetDelta: number, maxTimestamp: number, at: number) => boolean;

function readFully(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * One file of a partition's log: `<20-digit base offset>.log` holding record batches back to back,
 * and its sparse `.index` (see `OffsetIndex`), kept in memory and written when the segment is
 * sealed. Only the active (last) segment keeps a descriptor open; older ones read through the
 * shared `FdCache`.
 *
 * @example
 * ```ts
 * const seg = LogSegment.create(dir, 0, ctx);
 * seg.append(batches, -1);
 * const bytes = seg.read(0, 1 << 20);
 * seg.seal();
 * ```
 */
export class LogSegment {
  readonly logPath: string;
  readonly indexPath: string;
  private index = new OffsetIndex();
  private bytes = 0;
  private next: number;
  private writeFd = -1;

  private constructor(dir: string, readonly baseOffset: number, private readonly ctx: SegmentContext) {
    const stem = String(baseOffset).padStart(20, '0');
    this.logPath = path.join(dir, `${stem}.log`);
    this.indexPath = path.join(dir, `${stem}.index`);
    this.next = baseOffset;
  }

  /** Parses a segment file name (`00000000000000000042.log` → 42), or null for other files. */
  static baseOffsetOf(fileName: string): number | null {
    const m = /^(\d{20})\.log$/.exec(fileName);
    return m ? Number(m[1]) : null;
  }

  /** Creates an empty active segment. */
  static create(dir: string, baseOffset: number, ctx: SegmentContext): LogSegment {
    const seg = new LogSegment(dir, baseOffset, ctx);
    seg.writeFd = fs.openSync(seg.logPath, 'w+');
    fs.rmSync(seg.indexPath, { force: true });
    return seg;
  }

  /**
   * Opens an existing segment. The active one is scanned batch by batch with CRC checks and a torn
   * or corrupt tail is truncated; older ones trust their `.index` (rebuilt when missing or invalid).
   */
  static open(dir: string, baseOffset: number, ctx: SegmentContext, active: boolean): LogSegment {
    const seg = new LogSegment(dir, baseOffset, ctx);
    if (active) {
      seg.writeFd = fs.openSync(seg.logPath, 'r+');
      seg.scan(true);
      return seg;
    }
    seg.bytes = fs.statSync(seg.logPath).size;
    const stored = fs.existsSync(seg.indexPath) ? OffsetIndex.fromBuffer(fs.readFileSync(seg.indexPath), seg.bytes) : null;
    if (stored) {
      seg.index = stored;
      let next = baseOffset;
      seg.walk(stored.length > 0 ? stored.lastPosition : 0, seg.bytes, (_p, base, _s, delta) => ((next = base + delta + 1), true));
      seg.next = next;
    } else {
      ctx.log.warn({ segment: seg.logPath }, 'segment index missing or invalid; rebuilding it');
      seg.scan(false);
      writeFileAtomic(seg.indexPath, seg.index.toBuffer());
    }
    return seg;
  }

  /** Bytes in the `.log` file. */
  get size(): number {
    return this.bytes;
  }

  /** Offset after the last batch of this segment (its base offset when empty). */
  get nextOffset(): number {
    return this.next;
  }

  /** Largest batch max timestamp in the segment, -1 when empty. */
  get maxTimestamp(): number {
    return this.index.maxTimestamp;
  }

  get active(): boolean {
    return this.writeFd >= 0;
  }

  /**
   * Assigns offsets from `nextOffset` to the concatenated batches in `batches` (rewriting base
   * offsets in place, and stamping `logAppendTime` unless it is -1), then writes them with one
   * write. Throws CorruptRecordError, writing nothing, when a batch does not fit the buffer.
   */
  append(batches: Buffer, logAppendTime: number): void {
    if (this.writeFd < 0) throw new CorruptRecordError(`segment ${this.logPath} is sealed; append to the active segment`);
    for (let pos = 0; pos < batches.length; ) {
      const size = batches.length - pos >= HEADER ? batches.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead : -1;
      if (size < HEADER || pos + size > batches.length || batches.readInt32BE(pos + BATCH.lastOffsetDelta) < 0) {
        throw new CorruptRecordError(`record batch at byte ${pos} of ${batches.length} is malformed; nothing of this produce was written`);
      }
      pos += size;
    }
    const interval = this.ctx.indexIntervalBytes;
    let next = this.next;
    for (let pos = 0; pos < batches.length; ) {
      const size = batches.readInt32BE(pos + BATCH.batchLength) + BATCH.logOverhead;
      writeInt64(batches, pos + BATCH.baseOffset, next);
      if (logAppendTime >= 0) stampLogAppendTime(batches, pos, size, logAppendTime);
      const maxTs = readInt64(batches, pos + BATCH.maxTimestamp);
      const filePos = this.bytes + pos;
      if (this.index.length === 0 || filePos - this.index.lastPosition >= interval) this.index.add(next - this.baseOffset, filePos, maxTs);
      else this.index.noteTimestamp(maxTs);
      next += batches.readInt32BE(pos + BATCH.lastOffsetDelta) + 1;
      pos += size;
    }
    let written = 0;
    while (written < batches.length) written += fs.writeSync(this.writeFd, batches, written, batches.length - written, this.bytes + written);
    this.bytes += batches.length;
    this.next = next;
  }

  /**
   * Whole batches from the one containing `offset`, up to `maxBytes` but at least one batch.
   * Empty when no batch of this segment holds `offset` or a later offset.
   */
  read(offset: number, maxBytes: number): Buffer {
    const start = this.locate(offset);
    if (start < 0) return EMPTY;
    const fd = this.fd();
    const want = Math.min(this.bytes - start, Math.max(maxBytes, HEADER));
    const buf = Buffer.allocUnsafe(want);
    let got: number;
    if (scratchOwner === this && start >= scratchStart && start + want <= scratchStart + scratchLen) {
      got = scratch.copy(buf, 0, start - scratchStart, start - scratchStart + want);
    } else got = readFully(fd, buf, want, start);
    let end = 0;
    while (got - end >= HEADER) {
      const size = buf.readInt32BE(end + BATCH.batchLength) + BATCH.logOverhead;
      if (size < HEADER || end + size > got) break;
      end += size;
    }
    if (end > 0) return end === buf.length ? buf : buf.subarray(0, end);
    const first = buf.readInt32BE(BATCH.batchLength) + BATCH.logOverhead;
    const whole = Buffer.allocUnsafe(first);
    readFully(fd, whole, first, start);
    return whole;
  }

  /** The first batch at or after `minOffset` whose max timestamp is >= `timestamp`, or null. */
  findTimestamp(timestamp: number, minOffset: number): { offset: number; timestamp: number } | null {
    if (this.index.maxTimestamp < timestamp || this.next <= minOffset) return null;
    for (let i = 0; i < this.index.length; i++) {
      if (this.index.timestamp(i) < timestamp) continue;
      const end = i + 1 < this.index.length ? this.index.position(i + 1) : this.bytes;
      let found: { offset: number; timestamp: number } | null = null;
      const fd = this.fd();
      this.walk(this.index.position(i), end, (pos, base, size, delta, maxTs) => {
        if (maxTs < timestamp || base + delta < minOffset) return true;
        const bytes = Buffer.allocUnsafe(size);
        readFully(fd, bytes, size, pos);
        found = firstRecordAtOrAfter(bytes, timestamp, minOffset);
        return found === null;
      });
      if (found) return found;
    }
    return null;
  }

  /**
   * Visits, in offset order, the header of every batch with a producer id whose last offset is at
   * or after `fromOffset` (recovery of the producer state). A control batch comes with its whole
   * bytes (to read the marker type), other batches with null.
   */
  producerBatches(fromOffset: number, visit: (header: BatchHeader, control: Buffer | null) => void): void {
    if (fromOffset >= this.next) return;
    const i = this.index.floor(fromOffset - this.baseOffset);
    const fd = this.fd();
    this.walk(i < 0 ? 0 : this.index.position(i), this.bytes, (pos, base, size, delta, _ts, at) => {
      if (base + delta < fromOffset || readInt64(scratch, at + BATCH.producerId) < 0) return true;
      const header = readBatchHeader(scratch, at);
      let control: Buffer | null = null;
      if (header.control) {
        control = Buffer.allocUnsafe(size);
        readFully(fd, control, size, pos);
      }
      visit(header, control);
      return true;
    });
  }

  /** Writes the index file and closes the write descriptor: the segment is read-only from now on. */
  seal(): void {
    if (this.writeFd < 0) return;
    writeFileAtomic(this.indexPath, this.index.toBuffer());
    this.index.trim();
    fs.closeSync(this.writeFd);
    this.writeFd = -1;
  }

  /** fsyncs the active segment's bytes. */
  flush(): void {
    if (this.writeFd >= 0) fs.fsyncSync(this.writeFd);
  }

  /** Closes descriptors and deletes the segment's files. */
  remove(): void {
    if (scratchOwner === this) scratchOwner = null;
    this.ctx.fds.evict(this.logPath);
    if (this.writeFd >= 0) fs.closeSync(this.writeFd);
    this.writeFd = -1;
    fs.rmSync(this.logPath, { force: true });
    fs.rmSync(this.indexPath, { force: true });
  }

  /** Releases descriptors without sealing (the storage is being closed or deleted). */
  release(): void {
    if (scratchOwner === this) scratchOwner = null;
    this.ctx.fds.evict(this.logPath);
    if (this.writeFd >= 0) fs.closeSync(this.writeFd);
    this.writeFd = -1;
  }

  private fd(): number {
    return this.writeFd >= 0 ? this.writeFd : this.ctx.fds.get(this.logPath);
  }

  /** Position of the batch that holds `offset` or, in a gap, the next batch after it; -1 when none. */
  private locate(offset: number): number {
    if (offset >= this.next) return -1;
    const i = this.index.floor(offset - this.baseOffset);
    let found = -1;
    this.walk(i < 0 ? 0 : this.index.position(i), this.bytes, (pos, base, _s, delta) => {
      if (base + delta < offset) return true;
      found = pos;
      return false;
    });
    return found;
  }

  /** Visits complete batch headers in [from, to) until `visit` returns false. */
  private walk(from: number, to: number, visit: HeaderVisitor): void {
    const fd = this.fd();
    let pos = from;
    let bufStart = 0;
    let bufLen = 0;
    while (pos + HEADER <= to) {
      if (pos < bufStart || pos + HEADER > bufStart + bufLen) {
        bufStart = pos;
        bufLen = readFully(fd, scratch, Math.min(scratch.length, to - pos), pos);
        scratchOwner = this;
        scratchStart = bufStart;
        scratchLen = bufLen;
        if (bufLen < HEADER) return;
      }
      const at = pos - bufStart;
      const size = scratch.readInt32BE(at + BATCH.batchLength) + BATCH.logOverhead;
      if (size < HEADER || pos + size > to) return;
      const base = readInt64(scratch, at + BATCH.baseOffset);
      const go = visit(pos, base, size, scratch.readInt32BE(at + BATCH.lastOffsetDelta), readInt64(scratch, at + BATCH.maxTimestamp), at);
      if (!go) return;
      pos += size;
    }
  }

  /**
   * Rebuilds the index by reading the whole file; with `verify`, checks each batch's magic, CRC and
   * offset continuity. Stops at the first bad or partial batch and truncates the file there.
   */
  private scan(verify: boolean): void {
    const fd = this.writeFd >= 0 ? this.writeFd : fs.openSync(this.logPath, 'r+');
    try {
      const fileSize = fs.fstatSync(fd).size;
      const chunk = Buffer.allocUnsafe(Math.min(RECOVERY_CHUNK, Math.max(fileSize, HEADER)));
      let chunkStart = 0;
      let chunkLen = 0;
      let pos = 0;
      let next = this.baseOffset;
      let problem = '';
      this.index = new OffsetIndex();
      while (pos < fileSize) {
        if (fileSize - pos < HEADER) {
          problem = `${fileSize - pos} trailing bytes are a partial batch header`;
          break;
        }
        if (pos + HEADER > chunkStart + chunkLen) {
          chunkStart = pos;
          chunkLen = readFully(fd, chunk, Math.min(chunk.length, fileSize - pos), pos);
        }
        const size = chunk.readInt32BE(pos - chunkStart + BATCH.batchLength) + BATCH.logOverhead;
        if (size < HEADER || pos + size > fileSize) {
          problem = size < HEADER ? `batch length ${size} is impossible` : `partial batch: ${fileSize - pos} of ${size} bytes`;
          break;
        }
        let b = chunk;
        let at = pos - chunkStart;
        if (pos + size > chunkStart + chunkLen) {
          if (size <= chunk.length) {
            chunkStart = pos;
            chunkLen = readFully(fd, chunk, Math.min(chunk.length, fileSize - pos), pos);
            at = 0;
          } else {
            b = Buffer.allocUnsafe(size);
            readFully(fd, b, size, pos);
            at = 0;
          }
        }
        const base = readInt64(b, at + BATCH.baseOffset);
        if (verify && (!batchIsValid(b, at, size) || base !== next)) {
          problem = base !== next ? `base offset ${base} where ${next} was expected` : 'CRC-32C or magic mismatch';
          break;
        }
        const maxTs = readInt64(b, at + BATCH.maxTimestamp);
        if (this.index.length === 0 || pos - this.index.lastPosition >= this.ctx.indexIntervalBytes) this.index.add(base - this.baseOffset, pos, maxTs);
        else this.index.noteTimestamp(maxTs);
        next = base + b.readInt32BE(at + BATCH.lastOffsetDelta) + 1;
        pos += size;
      }
      if (pos < fileSize) {
        this.ctx.log.warn(
          { partition: this.ctx.name, segment: this.logPath, validBytes: pos, fileBytes: fileSize, reason: problem },
          `truncating torn or corrupt tail of ${this.ctx.name} at byte ${pos}: ${problem}`,
        );
        fs.ftruncateSync(fd, pos);
      }
      this.bytes = pos;
      this.next = next;
      scratchOwner = null;
    } finally {
      if (fd !== this.writeFd) fs.closeSync(fd);
    }
  }
}

/** Bit 3 of a batch's attributes: the broker set the timestamps (LogAppendTime) to the batch's max timestamp. */
const LOG_APPEND_TIME = 0x08;

/**
 * The first record of a batch at or after `minOffset` whose timestamp is at or after `timestamp`
 * (what ListOffsets by time answers, as Kafka finds it); a compressed batch, whose records are not
 * decoded here, or a LogAppendTime batch answers its first offset with the batch's max timestamp.
 */
function firstRecordAtOrAfter(bytes: Buffer, timestamp: number, minOffset: number): { offset: number; timestamp: number } | null {
  const batch = decodeRecordBatch(bytes);
  if (batch.compressedRecords !== null || (batch.attributes & LOG_APPEND_TIME) !== 0) {
    return { offset: Math.max(batch.baseOffset, minOffset), timestamp: batch.maxTimestamp };
  }
  const record = batch.records.find((r) => r.offset >= minOffset && r.timestamp >= timestamp);
  return record === undefined ? null : { offset: record.offset, timestamp: record.timestamp };
}

import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes `data` to `file` so that a crash leaves either the old or the new content: the bytes go to
 * a temp file beside it, are fsynced, then renamed over `file`.
 *
 * @example
 * ```ts
 * writeFileAtomic('/data/topics/jokes/topic.json', JSON.stringify(info));
 * ```
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Removes the temp files `writeFileAtomic` may have left in `dir` when the process died mid-write. */
export function removeStaleTempFiles(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.') && name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
  }
}

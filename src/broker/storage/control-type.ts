import { controlRecordType } from '../../protocol/control-batch.ts';
import { decodeRecordBatch } from '../../protocol/record-batch.ts';

/**
 * The marker type of a stored control batch: `'commit'`, `'abort'`, or `'other'` (another control
 * type, or a batch whose record cannot be read).
 *
 * @example
 * ```ts
 * state.replay(header, header.control ? controlTypeOf(batchBytes) : null, Date.now());
 * ```
 */
export function controlTypeOf(batch: Buffer): 'commit' | 'abort' | 'other' {
  try {
    const key = decodeRecordBatch(batch).records[0]?.key;
    return key ? controlRecordType(key) : 'other';
  } catch {
    return 'other';
  }
}

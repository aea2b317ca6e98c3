import { gunzipSync, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { ConfigError, SluiceError } from '../../errors.ts';

const gzipAsync = promisify(gzip);

/** Compression codecs a record batch can carry, by the number in its attributes. */
export const CODECS = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

/**
 * Producer compression (Kafka's `compression.type`) this client writes.
 *
 * @example
 * ```ts
 * const c: CompressionType = 'gzip';
 * ```
 */
export type CompressionType = 'none' | 'gzip';

/**
 * The codec number of a compression type; throws ConfigError for one this client cannot write.
 *
 * @example
 * ```ts
 * codecOf('gzip'); // 1
 * ```
 */
export function codecOf(type: string): number {
  if (type === 'none' || type === 'gzip') return CODECS[type];
  throw new ConfigError(`compression '${type}' is not supported by the native client; use 'gzip' or 'none'`);
}

/**
 * Compresses a batch's records section (off the main thread for gzip).
 *
 * @example
 * ```ts
 * const bytes = await compress(1, builder.records());
 * ```
 */
export async function compress(codec: number, records: Buffer): Promise<Buffer> {
  if (codec === CODECS.gzip) return gzipAsync(records);
  throw new ConfigError(`cannot compress with codec ${codec}`);
}

/**
 * Decompresses the records section of a fetched batch. Throws a SluiceError naming the codec
 * when this client cannot read it.
 *
 * @example
 * ```ts
 * const plain = decompress(1, batch.subarray(61));
 * ```
 */
export function decompress(codec: number, bytes: Buffer): Buffer {
  if (codec === CODECS.gzip) return gunzipSync(bytes);
  const name = Object.entries(CODECS).find(([, n]) => n === codec)?.[0] ?? `codec ${codec}`;
  throw new SluiceError(`a fetched record batch is compressed with ${name}, which the native client cannot read yet; produce with gzip or none, or use client: 'kafkajs'`);
}

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * The 32-bit murmur2 hash Kafka's Java client (`Utils.murmur2`) and kafkajs hash record keys with:
 * seed 0x9747b28c, m 0x5bd1e995, r 24, little-endian 4-byte blocks.
 *
 * @example
 * ```ts
 * murmur2(Buffer.from('21')); // -973932308
 * ```
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[blocks + 2]! << 16;
  if (rest >= 2) h ^= data[blocks + 1]! << 8;
  if (rest >= 1) {
    h ^= data[blocks]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition Java's default partitioner (and kafkajs's `DefaultPartitioner`) gives a keyed
 * record: `(murmur2(key) & 0x7fffffff) % partitions`.
 *
 * @example
 * ```ts
 * partitionForKey(Buffer.from('user-7'), 6);
 * ```
 */
export function partitionForKey(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

// Assertions shared by the compatibility suites: what a consumer read must be exactly what was
// produced, each key in one partition, each partition in production order, nothing twice.
import { expect } from 'vitest';

/** A record as a client reported it. */
export interface KeyedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: string;
}

/**
 * Asserts that `consumed` (in the order the consumer delivered it) holds each produced key/value
 * exactly once, that every key landed in one partition below `partitions`, and that within a
 * partition the records came in offset order and in the order they were produced.
 */
export function expectPartitionedLike(
  consumed: readonly KeyedRecord[],
  produced: readonly { key: string; value: string }[],
  partitions: number,
): void {
  const pair = (r: { key: string; value: string }): string => `${r.key}=${r.value}`;
  expect(consumed.map(pair).sort()).toEqual(produced.map(pair).sort());

  const positions = consumed.map((r) => `${r.partition}@${r.offset}`);
  expect(new Set(positions).size).toBe(positions.length);

  const partitionOfKey = new Map<string, number>();
  for (const r of consumed) {
    expect(r.partition).toBeGreaterThanOrEqual(0);
    expect(r.partition).toBeLessThan(partitions);
    const seen = partitionOfKey.get(r.key);
    if (seen !== undefined) expect({ key: r.key, partition: r.partition }).toEqual({ key: r.key, partition: seen });
    partitionOfKey.set(r.key, r.partition);
  }

  for (let p = 0; p < partitions; p += 1) {
    const inPartition = consumed.filter((r) => r.partition === p);
    const offsets = inPartition.map((r) => r.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    const expectedValues = produced.filter((r) => partitionOfKey.get(r.key) === p).map((r) => r.value);
    expect(inPartition.map((r) => r.value)).toEqual(expectedValues);
  }
}

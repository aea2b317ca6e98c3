import { describe, expect, it } from 'vitest';
import { OffsetIndex } from '../../src/broker/storage/offset-index.ts';

function sample(): OffsetIndex {
  const index = new OffsetIndex(2);
  index.add(0, 0, 100);
  index.add(10, 4096, 90);
  index.noteTimestamp(250);
  index.add(25, 8200, -1);
  return index;
}

describe('OffsetIndex', () => {
  it('finds the last entry at or below a relative offset', () => {
    const index = sample();
    expect([index.floor(-1), index.floor(0), index.floor(9), index.floor(10), index.floor(24), index.floor(25), index.floor(1e9)]).toEqual([-1, 0, 0, 1, 1, 2, 2]);
    expect(index.position(1)).toBe(4096);
    expect(index.lastPosition).toBe(8200);
  });

  it('keeps the max timestamp per entry and overall', () => {
    const index = sample();
    expect([index.timestamp(0), index.timestamp(1), index.timestamp(2)]).toEqual([100, 250, -1]);
    expect(index.maxTimestamp).toBe(250);
  });

  it('round-trips through its file format, also after trim', () => {
    const index = sample();
    index.trim();
    const bytes = index.toBuffer();
    expect(bytes.length).toBe(48);
    const back = OffsetIndex.fromBuffer(bytes, 9000)!;
    expect(back.length).toBe(3);
    expect([back.relativeOffset(2), back.position(2), back.timestamp(1), back.maxTimestamp]).toEqual([25, 8200, 250, 250]);
  });

  it('rejects files that cannot index the log', () => {
    const bytes = sample().toBuffer();
    expect(OffsetIndex.fromBuffer(bytes.subarray(0, 40), 9000)).toBeNull();
    expect(OffsetIndex.fromBuffer(bytes, 8200)).toBeNull();
    expect(OffsetIndex.fromBuffer(Buffer.alloc(0), 100)).toBeNull();
    const swapped = Buffer.concat([bytes.subarray(0, 16), bytes.subarray(32, 48), bytes.subarray(16, 32)]);
    expect(OffsetIndex.fromBuffer(swapped, 9000)).toBeNull();
    expect(OffsetIndex.fromBuffer(Buffer.alloc(0), 0)!.length).toBe(0);
  });
});

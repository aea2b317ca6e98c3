import { describe, it, expect } from 'vitest';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';
import { ProtocolError } from '../protocol-error.ts';

describe('Reader and Writer', () => {
  it('encodes unsigned varints as 7-bit groups, low group first', () => {
    const w = new Writer(1);
    w.uvarint(0).uvarint(1).uvarint(127).uvarint(128).uvarint(300).uvarint(0xffffffff);
    expect([...w.view()]).toEqual([0x00, 0x01, 0x7f, 0x80, 0x01, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    const r = new Reader(w.toBuffer());
    expect([r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint()]).toEqual([0, 1, 127, 128, 300, 0xffffffff]);
    expect(r.remaining).toBe(0);
  });

  it('zig-zags signed varints and varlongs', () => {
    const w = new Writer();
    w.varint(0).varint(-1).varint(1).varint(-64).varint(2147483647).varint(-2147483648);
    expect([...w.view().subarray(0, 4)]).toEqual([0x00, 0x01, 0x02, 0x7f]);
    const longs = [0, -1, 1, 1_700_000_000_000, -1_700_000_000_000, 2 ** 53 - 1];
    for (const l of longs) w.varlong(l);
    const r = new Reader(w.toBuffer());
    expect([r.varint(), r.varint(), r.varint(), r.varint(), r.varint(), r.varint()]).toEqual([0, -1, 1, -64, 2147483647, -2147483648]);
    expect(longs.map(() => r.varlong())).toEqual(longs);
  });

  it('round-trips strings, compact strings, bytes, nulls, int64 and uuid', () => {
    const uuid = new Uint8Array(16).map((_, i) => i + 1);
    const w = new Writer(4);
    w.string('héllo').nullableString(null).compactString('ab').compactNullableString(null)
      .bytes(Buffer.from([1, 2])).nullableBytes(null).compactBytes(Buffer.from([3])).compactNullableBytes(null)
      .int64(-2n).int64Number(2 ** 40 + 5).int64Number(-1).uuid(uuid).float64(1.5).uint16(65535).bool(true);
    const r = new Reader(w.toBuffer());
    expect(r.string()).toBe('héllo');
    expect(r.nullableString()).toBeNull();
    expect(r.compactString()).toBe('ab');
    expect(r.compactNullableString()).toBeNull();
    expect([...r.bytes()]).toEqual([1, 2]);
    expect(r.nullableBytes()).toBeNull();
    expect([...r.compactBytes()]).toEqual([3]);
    expect(r.compactNullableBytes()).toBeNull();
    expect(r.int64()).toBe(-2n);
    expect(r.int64Number()).toBe(2 ** 40 + 5);
    expect(r.int64Number()).toBe(-1);
    expect([...r.uuid()]).toEqual([...uuid]);
    expect(r.float64()).toBe(1.5);
    expect(r.uint16()).toBe(65535);
    expect(r.bool()).toBe(true);
  });

  it('throws ProtocolError on truncation and on counts larger than the frame', () => {
    expect(() => new Reader(Buffer.from([0, 5, 65])).string()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0, 0, 0])).int32()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0x80, 0x80])).uvarint()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).arrayLength()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0, 0, 0, 1, 2]), 0, 3).int32()).toThrow(/truncated/);
  });
});

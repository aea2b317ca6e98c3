import { describe, expect, it } from 'vitest';
import { decodeKey, encodeKey, partEnd, prefixEnd } from '../../src/state/base/key-codec.ts';

describe('encodeKey', () => {
  it('round-trips strings (with NUL and non-ASCII) and numbers', () => {
    const key = ['a\u0000b', 'ünï', -12.5, 0, 1e15, ''];
    expect(decodeKey(encodeKey(key))).toEqual(key);
  });

  it('writes the documented bytes (stored keys must not change between versions)', () => {
    expect(encodeKey(['a', 1]).toString('hex')).toBe('02610001' + '01bff0000000000000');
    expect(encodeKey(['a\u0000', -1]).toString('hex')).toBe('026100ff0001' + '01400fffffffffffff');
    expect(encodeKey(['ü']).toString('hex')).toBe('02c3bc0001');
    expect(() => decodeKey(Buffer.from('0261', 'hex'))).toThrow('truncated inside a string part');
    expect(() => decodeKey(Buffer.from('02610002', 'hex'))).toThrow('invalid escape 0x00 0x2');
  });

  it('partEnd finds where a part ends, and a prefix argument equals encoding the joined tuple', () => {
    const bytes = encodeKey(['a\u0000b', 7, 'c']);
    expect(bytes.subarray(0, partEnd(bytes, 0))).toEqual(encodeKey(['a\u0000b']));
    expect(bytes.subarray(0, partEnd(bytes, partEnd(bytes, 0)))).toEqual(encodeKey(['a\u0000b', 7]));
    expect(encodeKey([7, 'c'], encodeKey(['a\u0000b']))).toEqual(bytes);
    expect(() => partEnd(Buffer.from('0261', 'hex'), 0)).toThrow('truncated');
  });

  it('orders tuples like their parts: numbers numerically, strings bytewise, prefixes first', () => {
    const keys = [['w', 'k', 1000], ['w', 'k', -5], ['w', 'k', 20], ['w', 'j'], ['w', 'k'], ['w', 'k', 'z'], ['v']];
    const sorted = [...keys].sort((a, b) => Buffer.compare(encodeKey(a), encodeKey(b)));
    expect(sorted).toEqual([['v'], ['w', 'j'], ['w', 'k'], ['w', 'k', -5], ['w', 'k', 20], ['w', 'k', 1000], ['w', 'k', 'z']]);
  });

  it('prefixEnd bounds every key that starts with the prefix and no other', () => {
    const p = encodeKey(['store', 'user-1']);
    const end = prefixEnd(p);
    expect(Buffer.compare(encodeKey(['store', 'user-1', 99]), end)).toBe(-1);
    expect(Buffer.compare(encodeKey(['store', 'user-10']), end)).toBe(1);
  });
});

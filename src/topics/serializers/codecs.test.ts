import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors.ts';
import { DeserializationError, SerializationError } from '../serialization-errors.ts';
import { Topic } from '../topic.ts';
import { bytesCodec } from './bytes-codec.ts';
import { doubleCodec } from './double-codec.ts';
import { intCodec } from './int-codec.ts';
import { jsonCodec } from './json-codec.ts';
import { jsonStableCodec } from './json-stable-codec.ts';
import { stringCodec } from './string-codec.ts';

const ctx = { topic: 't', field: 'value' as const };

describe('built-in codecs', () => {
  it('json keeps the object key order, json-stable sorts keys, and both round-trip', () => {
    const value = { b: 1, a: { d: [1, 2], c: null } };
    expect(jsonCodec.serialize(value, ctx)!.toString()).toBe('{"b":1,"a":{"d":[1,2],"c":null}}');
    const stable = jsonStableCodec.serialize(value, ctx)!;
    expect(stable.toString()).toBe('{"a":{"c":null,"d":[1,2]},"b":1}');
    expect(jsonCodec.deserialize(stable, ctx)).toEqual(value);
    expect(jsonStableCodec.deserialize(jsonCodec.serialize(value, ctx)!, ctx)).toEqual(value);
  });

  it("writes 'json' keys with sorted object keys, so equal keys give equal bytes and partitions", () => {
    const t = new Topic<{ n: number }, { b: number; a: number }>('t', { keySerializer: 'json', keyDeserializer: 'json' });
    expect(t.serializeKey({ b: 1, a: 2 })!.toString()).toBe('{"a":2,"b":1}');
    expect(t.serializeValue({ n: 1 })!.toString()).toBe('{"n":1}');
    expect(new Topic('s', { valueSerializer: 'json-stable' }).serializeValue({ b: 1, a: 2 })!.toString()).toBe('{"a":2,"b":1}');
  });

  it('string round-trips UTF-8 and stringifies non-strings', () => {
    expect(stringCodec.deserialize(stringCodec.serialize('héllo ✓', ctx)!, ctx)).toBe('héllo ✓');
    expect(stringCodec.serialize(42 as unknown as string, ctx)!.toString()).toBe('42');
  });

  it('bytes passes Buffers through and rejects other values', () => {
    const b = Buffer.from([0, 255]);
    expect(bytesCodec.serialize(b, ctx)).toBe(b);
    expect(bytesCodec.deserialize(b, ctx)).toBe(b);
    expect(() => bytesCodec.serialize('x' as unknown as Buffer, ctx)).toThrow('expected a Buffer, got string');
  });

  it('int is a 4-byte big-endian signed integer', () => {
    expect([...intCodec.serialize(258, ctx)!]).toEqual([0, 0, 1, 2]);
    expect([...intCodec.serialize(-1, ctx)!]).toEqual([255, 255, 255, 255]);
    expect(intCodec.deserialize(Buffer.from([0x80, 0, 0, 0]), ctx)).toBe(-2147483648);
    expect(() => intCodec.serialize(1.5, ctx)).toThrow('expected a 32-bit integer, got 1.5');
    expect(() => intCodec.serialize(2 ** 31, ctx)).toThrow('expected a 32-bit integer, got 2147483648');
    expect(() => intCodec.deserialize(Buffer.from([1, 2]), ctx)).toThrow('expected 4 bytes for an int, got 2');
  });

  it('double is an 8-byte big-endian float', () => {
    expect(doubleCodec.serialize(1.5, ctx)!.toString('hex')).toBe('3ff8000000000000');
    expect(doubleCodec.deserialize(Buffer.from('c000000000000000', 'hex'), ctx)).toBe(-2);
    expect(() => doubleCodec.deserialize(Buffer.alloc(4), ctx)).toThrow('expected 8 bytes for a double, got 4');
  });
});

describe('Topic serialization', () => {
  it('defaults to json values and string keys, with null for missing keys and tombstones', () => {
    const t = new Topic<{ a: number }>('t');
    expect(t.serializeValue({ a: 1 })!.toString()).toBe('{"a":1}');
    expect(t.serializeKey('k')!.toString()).toBe('k');
    expect(t.serializeKey(undefined)).toBeNull();
    expect(t.deserializeKey(null, 0, 0)).toBeNull();
    expect(t.deserializeValue(null, 0, 0)).toBeNull();
  });

  it('names topic, partition and offset when a value cannot be deserialized', () => {
    const t = new Topic('orders');
    const run = () => t.deserializeValue(Buffer.from('{"a":'), 2, 17);
    expect(run).toThrow(DeserializationError);
    expect(run).toThrow(/^cannot deserialize the value of the message at topic 'orders' partition 2 offset 17: /);
    try {
      run();
    } catch (e) {
      expect(e).toMatchObject({ topic: 'orders', partition: 2, offset: 17, field: 'value' });
      expect((e as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('names the topic when a key cannot be deserialized or a value serialized', () => {
    const t = new Topic<number, number>('n', { keyDeserializer: 'int', valueSerializer: 'int' });
    expect(() => t.deserializeKey(Buffer.from('abc'), 1, 5)).toThrow("cannot deserialize the key of the message at topic 'n' partition 1 offset 5");
    expect(() => t.serializeValue(0.5)).toThrow(SerializationError);
    expect(() => t.serializeValue(0.5)).toThrow("cannot serialize the value for topic 'n': expected a 32-bit integer, got 0.5");
  });

  it('accepts custom serializers and rejects unknown codec names', () => {
    const t = new Topic<string[]>('csv', {
      valueSerializer: { serialize: (v) => Buffer.from(v.join(',')) },
      valueDeserializer: { deserialize: (b) => b.toString().split(',') },
    });
    expect(t.deserializeValue(t.serializeValue(['a', 'b']), 0, 0)).toEqual(['a', 'b']);
    expect(() => new Topic('x', { valueSerializer: 'yaml' as 'json' })).toThrow(ConfigError);
    expect(() => new Topic('x', { valueSerializer: 'yaml' as 'json' })).toThrow("topic 'x' valueSerializer 'yaml' is unknown; use one of 'json', 'json-stable', 'string', 'bytes', 'int', 'double'");
    expect(() => new Topic('x', { keyDeserializer: {} as never })).toThrow("topic 'x' keyDeserializer must be one of");
  });

  it('fills topic config defaults', () => {
    expect(new Topic('a').config).toEqual({ numPartitions: 1, replicationFactor: 1, extra: {} });
    expect(new Topic('b', { config: { numPartitions: 3, extra: { 'cleanup.policy': 'compact' } } }).config).toEqual({
      numPartitions: 3,
      replicationFactor: 1,
      extra: { 'cleanup.policy': 'compact' },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { ProcessingError } from '../dataframe/processing-error.ts';
import { StreamingDataFrame } from '../dataframe/streaming-data-frame.ts';
import type { RawMessage } from '../topics/message-context.ts';
import { DeserializationError } from '../topics/serialization-errors.ts';
import { TombstoneError } from '../topics/tombstone-error.ts';
import { Topic } from '../topics/topic.ts';
import { Processor, type InputBatch } from './processor.ts';

interface Reading {
  sensor: string;
  temp: number;
}

const readings = new Topic<Reading>('readings');
const hot = new Topic<Reading>('hot');
const hotOrDeleted = new Topic<Reading | null>('hot');
const all = new Topic<number>('temps', { valueSerializer: 'int' });

function msg(offset: number, value: string | null, key: string | null = 's1', timestamp = 1000 + offset): RawMessage {
  return { key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers: {}, timestamp, offset };
}

function batch(...messages: RawMessage[]): InputBatch {
  return { topic: 'readings', partition: 0, messages };
}

function decode(result: ReturnType<Processor['process']>) {
  return result.produced.map((r) => ({ topic: r.topic, key: r.key?.toString() ?? null, value: r.topic === 'temps' ? r.value!.readInt32BE(0) : JSON.parse(r.value!.toString()), timestamp: r.timestamp }));
}

describe('Processor', () => {
  it('runs both branches of a frame for every message, in declaration order, without mutating the row', () => {
    const sdf = StreamingDataFrame.fromTopic(readings);
    sdf.filter((r) => r.temp > 30).toTopic(hot);
    sdf.apply((r) => r.temp).toTopic(all, { key: (t) => `t${t}` });
    const p = new Processor({ dataframes: [sdf] });
    const result = p.process(batch(msg(0, '{"sensor":"a","temp":35}'), msg(1, '{"sensor":"b","temp":20}')));
    expect(decode(result)).toEqual([
      { topic: 'hot', key: 's1', value: { sensor: 'a', temp: 35 }, timestamp: 1000 },
      { topic: 'temps', key: 't35', value: 35, timestamp: 1000 },
      { topic: 'temps', key: 't20', value: 20, timestamp: 1001 },
    ]);
    expect(result.lastProcessedOffset).toBe(1);
    expect(result.error).toBeUndefined();
    expect(p.stats).toMatchObject({ processed: 2, produced: 3 });
  });

  it('runs an operator shared by two branches once per message', () => {
    let calls = 0;
    const sdf = StreamingDataFrame.fromTopic(readings).apply((r) => {
      calls++;
      return r.temp;
    });
    sdf.filter((t) => t > 0).toTopic(all);
    sdf.filter((t) => t <= 0).toTopic(all);
    const p = new Processor({ dataframes: [sdf] });
    p.process(batch(msg(0, '{"sensor":"a","temp":1}'), msg(1, '{"sensor":"a","temp":-1}')));
    expect(calls).toBe(2);
  });

  it('stops at a message that cannot be deserialized, keeping what came before', () => {
    const p = new Processor({ dataframes: [StreamingDataFrame.fromTopic(readings).toTopic(hot)] });
    const result = p.process(batch(msg(5, '{"sensor":"a","temp":1}'), msg(6, '{bad'), msg(7, '{"sensor":"c","temp":3}')));
    expect(result.lastProcessedOffset).toBe(5);
    expect(result.error).toBeInstanceOf(DeserializationError);
    expect(result.error!.message).toContain("topic 'readings' partition 0 offset 6");
    expect(decode(result).map((r) => r.value.sensor)).toEqual(['a']);
  });

  it('skips undeserializable messages when onDeserializationError returns true', () => {
    const seen: number[] = [];
    const p = new Processor({
      dataframes: [StreamingDataFrame.fromTopic(readings).toTopic(hot)],
      onDeserializationError: (e) => {
        seen.push(e.offset);
        return true;
      },
    });
    const result = p.process(batch(msg(0, 'nope'), msg(1, '{"sensor":"b","temp":2}')));
    expect(seen).toEqual([0]);
    expect(result.lastProcessedOffset).toBe(1);
    expect(decode(result).map((r) => r.value.sensor)).toEqual(['b']);
    expect(p.stats.skippedDeserializationErrors).toBe(1);
  });

  it('stops on a throwing callback, discarding that message\'s outputs from every branch', () => {
    const sdf = StreamingDataFrame.fromTopic(readings);
    sdf.toTopic(hot);
    sdf.apply((r) => {
      if (r.temp < 0) throw new RangeError('negative');
      return r.temp;
    }).toTopic(all);
    const p = new Processor({ dataframes: [sdf] });
    const result = p.process(batch(msg(0, '{"sensor":"a","temp":1}'), msg(1, '{"sensor":"b","temp":-5}'), msg(2, '{"sensor":"c","temp":3}')));
    expect(result.lastProcessedOffset).toBe(0);
    expect(result.error).toBeInstanceOf(ProcessingError);
    expect(result.error!.message).toBe("apply failed on the message at topic 'readings' partition 0 offset 1: negative; fix the callback, or set the app's deadLetterTopic to park such messages (onProcessingError to skip them)");
    expect(decode(result).map((r) => r.topic)).toEqual(['hot', 'temps']);
  });

  it('skips a message a callback throws on when onProcessingError returns true', () => {
    const sdf = StreamingDataFrame.fromTopic(readings);
    sdf.toTopic(hot);
    sdf.apply((r) => {
      if (r.temp < 0) throw new RangeError('negative');
      return r.temp;
    }).toTopic(all);
    const errors: ProcessingError[] = [];
    const p = new Processor({ dataframes: [sdf], onProcessingError: (e) => errors.push(e) > 0 });
    const result = p.process(batch(msg(0, '{"sensor":"a","temp":1}'), msg(1, '{"sensor":"b","temp":-5}'), msg(2, '{"sensor":"c","temp":3}')));
    expect(result.error).toBeUndefined();
    expect(result.lastProcessedOffset).toBe(2);
    expect(errors.map((e) => [e.operator, e.offset, (e.cause as Error).message])).toEqual([['apply', 1, 'negative']]);
    expect(decode(result).map((r) => `${r.topic}:${r.topic === 'hot' ? r.value.sensor : r.value}`)).toEqual(['hot:a', 'temps:1', 'hot:c', 'temps:3']);
    expect(p.stats.skippedProcessingErrors).toBe(1);
  });

  it('uses the topic timestampExtractor for event time', () => {
    const timed = new Topic<{ at: number }>('readings', { timestampExtractor: (v) => v.at });
    const p = new Processor({ dataframes: [StreamingDataFrame.fromTopic(timed).apply((v, ctx) => ctx.timestamp).toTopic(all)] });
    expect(decode(p.process(batch(msg(0, '{"at":123456}'))))).toEqual([{ topic: 'temps', key: 's1', value: 123456, timestamp: 123456 }]);
  });

  it('calls hooks around batches and on assignment changes', async () => {
    const calls: string[] = [];
    const p = new Processor({ dataframes: [StreamingDataFrame.fromTopic(readings).update((r) => void calls.push(`row ${r.sensor}`))] });
    p.addHooks({
      beforeBatch: (t, part) => calls.push(`before ${t}/${part}`),
      afterBatch: (b, r) => calls.push(`after ${b.topic}/${b.partition} last=${r.lastProcessedOffset}`),
      onAssign: async (tps) => void calls.push(`assign ${tps.map((tp) => `${tp.topic}/${tp.partition}`).join(',')}`),
      onRevoke: (tps) => void calls.push(`revoke ${tps.length}`),
    });
    await p.assign([{ topic: 'readings', partition: 0 }]);
    p.process(batch(msg(3, '{"sensor":"x","temp":1}')));
    await p.revoke([{ topic: 'readings', partition: 0 }]);
    expect(calls).toEqual(['assign readings/0', 'before readings/0', 'row x', 'after readings/0 last=3', 'revoke 1']);
  });

  it('feeds every dataframe declared on the same topic, and rejects topics nobody reads', () => {
    const a = StreamingDataFrame.fromTopic(readings).apply(() => 1).toTopic(all);
    const b = StreamingDataFrame.fromTopic(readings).apply(() => 2).toTopic(all);
    const p = new Processor({ dataframes: [a, b] });
    expect(p.topics).toEqual(['readings']);
    expect(decode(p.process(batch(msg(0, '{}')))).map((r) => r.value)).toEqual([1, 2]);
    expect(() => p.process({ topic: 'other', partition: 0, messages: [] })).toThrow("no dataframe reads topic 'other'");
  });

  it('passes null values (tombstones) and null keys through a frame that accepts tombstones', () => {
    const p = new Processor({ dataframes: [StreamingDataFrame.fromTopic(readings, { tombstones: true }).toTopic(hotOrDeleted)] });
    const [rec] = p.process(batch(msg(0, null, null))).produced;
    expect(rec).toMatchObject({ topic: 'hot', key: null, value: null });
  });

  it('stops at a tombstone that a frame of the topic does not accept, naming it a tombstone', () => {
    const accepting = StreamingDataFrame.fromTopic(readings, { tombstones: true }).toTopic(hotOrDeleted);
    const refusing = StreamingDataFrame.fromTopic(readings).toTopic(hot);
    const p = new Processor({ dataframes: [accepting, refusing] });
    const result = p.process(batch(msg(0, '{"sensor":"a","temp":1}'), msg(1, null), msg(2, '{"sensor":"c","temp":3}')));
    expect(result.lastProcessedOffset).toBe(0);
    expect(result.error).toBeInstanceOf(TombstoneError);
    expect(result.error).toBeInstanceOf(DeserializationError);
    expect(result.error!.message).toMatch(/^the message at topic 'readings' partition 0 offset 1 is a tombstone \(its value is null\)/);
    expect(result.error!.message).toContain('app.dataframe(topic, { tombstones: true })');
  });
});

import { describe, expect, it } from 'vitest';
import { Topic } from '../topics/topic.ts';
import { ProcessingError } from './processing-error.ts';
import { StreamingDataFrame } from './streaming-data-frame.ts';

interface Joke {
  id: number;
  text: string;
  category: string;
}

const jokes = new Topic<Joke>('jokes');
const joke: Joke = { id: 1, text: 'a b c', category: 'pun' };
const base = { key: 'k1', timestamp: 1000, headers: { h: 'v' } };

function frame(): StreamingDataFrame<Joke> {
  return StreamingDataFrame.fromTopic(jokes);
}

describe('StreamingDataFrame operators through sdf.test', () => {
  it('apply replaces the value and keeps the context', () => {
    expect(frame().apply((j) => j.text.length).test(joke, base)).toEqual([{ value: 5, key: 'k1', timestamp: 1000, headers: { h: 'v' } }]);
  });

  it('apply callbacks receive the message context', () => {
    const out = frame()
      .apply((j, ctx) => `${ctx.topic}/${ctx.partition}@${ctx.offset} ${String(ctx.key)} ${ctx.timestamp}`)
      .test(joke, { ...base, partition: 3, offset: 42 });
    expect(out.map((r) => r.value)).toEqual(['jokes/3@42 k1 1000']);
  });

  it('update runs a side effect and passes the same value on', () => {
    const seen: number[] = [];
    const out = frame()
      .update((j) => {
        seen.push(j.id);
      })
      .test(joke, base);
    expect(seen).toEqual([1]);
    expect(out).toEqual([{ value: joke, key: 'k1', timestamp: 1000, headers: { h: 'v' } }]);
    expect(out[0].value).toBe(joke);
  });

  it('filter keeps only values matching the predicate', () => {
    const sdf = frame().filter((j) => j.category === 'pun');
    expect(sdf.test(joke, base)).toHaveLength(1);
    expect(sdf.test({ ...joke, category: 'dark' }, base)).toEqual([]);
  });

  it('expand emits one row per item, each with the input context', () => {
    expect(frame().expand((j) => j.text.split(' ')).test(joke, base)).toEqual([
      { value: 'a', key: 'k1', timestamp: 1000, headers: { h: 'v' } },
      { value: 'b', key: 'k1', timestamp: 1000, headers: { h: 'v' } },
      { value: 'c', key: 'k1', timestamp: 1000, headers: { h: 'v' } },
    ]);
  });

  it('expand accepts generators and rejects non-iterables', () => {
    const gen = frame().expand(function* (j) {
      yield j.id;
      yield j.id * 10;
    });
    expect(gen.test(joke).map((r) => r.value)).toEqual([1, 10]);
    expect(() => frame().expand(() => 5 as unknown as number[]).test(joke)).toThrow(/must return an iterable/);
  });

  it('toTopic sends with the key function and passes the value on', () => {
    const out = frame()
      .apply((j) => ({ id: j.id }))
      .toTopic(new Topic<{ id: number }>('out'), { key: (v) => `id-${v.id}` })
      .test(joke, base);
    expect(out).toEqual([
      { value: { id: 1 }, key: 'id-1', timestamp: 1000, headers: { h: 'v' }, topic: 'out' },
      { value: { id: 1 }, key: 'k1', timestamp: 1000, headers: { h: 'v' } },
    ]);
  });

  it('toTopic keeps the message key without a key function', () => {
    const out = frame().toTopic(new Topic<Joke>('copy')).test(joke, base);
    expect(out[0]).toEqual({ value: joke, key: 'k1', timestamp: 1000, headers: { h: 'v' }, topic: 'copy' });
  });

  it('setTimestamp changes event time for later steps and outputs', () => {
    const out = frame()
      .setTimestamp((j) => j.id * 5000)
      .apply((j, ctx) => ctx.timestamp)
      .test(joke, base);
    expect(out).toEqual([{ value: 5000, key: 'k1', timestamp: 5000, headers: { h: 'v' } }]);
    expect(() => frame().setTimestamp(() => NaN).test(joke)).toThrow(ProcessingError);
  });

  it('setHeaders replaces the headers', () => {
    const out = frame()
      .setHeaders((j, ctx) => ({ ...ctx.headers, cat: j.category }))
      .test(joke, base);
    expect(out[0].headers).toEqual({ h: 'v', cat: 'pun' });
  });

  it('assign adds and overwrites fields without mutating the input', () => {
    const input = { ...joke };
    const out = frame()
      .assign('length', (j) => j.text.length)
      .assign('id', (j) => String(j.id))
      .test(input, base);
    expect(out[0].value).toEqual({ id: '1', text: 'a b c', category: 'pun', length: 5 });
    expect(input).toEqual(joke);
  });

  it('select keeps the named fields and drop removes them', () => {
    expect(frame().select('id', 'text').test(joke)[0].value).toEqual({ id: 1, text: 'a b c' });
    expect(frame().drop('text').test(joke)[0].value).toEqual({ id: 1, category: 'pun' });
    expect(() => StreamingDataFrame.fromTopic(new Topic<any>('n')).select('a').test(5)).toThrow(/select needs object values, got number/);
  });

  it('merge carries the rows of both frames in declaration order', () => {
    const sdf = frame();
    const ids = sdf.apply((j) => j.id);
    const texts = sdf.apply((j) => j.text);
    expect(ids.merge(texts).test(joke).map((r) => r.value)).toEqual([1, 'a b c']);
  });

  it('merge of two topics runs the message of the chosen topic', () => {
    const a = StreamingDataFrame.fromTopic(new Topic<number>('a')).apply((n) => n + 1);
    const b = StreamingDataFrame.fromTopic(new Topic<number>('b')).apply((n) => n * 100);
    const both = a.merge(b);
    expect(both.test(1).map((r) => r.value)).toEqual([2]);
    expect(both.test(1, { topic: 'b' }).map((r) => r.value)).toEqual([100]);
    expect(() => both.test(1, { topic: 'c' })).toThrow(/does not read topic 'c'/);
  });

  it('print writes JSON to the given stream and passes the value on', () => {
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s) };
    frame().print({ stream, pretty: false }).test(joke, base);
    frame().print({ stream, pretty: false, metadata: true }).test({ ...joke, id: 2 }, { ...base, offset: 7 });
    frame().print({ stream }).apply((j) => j.id).test(joke);
    expect(lines[0]).toBe('{"value":{"id":1,"text":"a b c","category":"pun"}}\n');
    expect(lines[1]).toBe('{"value":{"id":2,"text":"a b c","category":"pun"},"key":"k1","timestamp":1000,"headers":{"h":"v"},"topic":"jokes","partition":0,"offset":7}\n');
    expect(lines[2]).toBe('{\n  "value": {\n    "id": 1,\n    "text": "a b c",\n    "category": "pun"\n  }\n}\n');
  });

  it('a derived frame leaves the frame it came from unchanged', () => {
    const sdf = frame();
    sdf.apply((j) => j.id);
    expect(sdf.test(joke)).toEqual([{ value: joke, key: null, timestamp: 0, headers: {} }]);
  });

  it('a throwing callback makes test throw a ProcessingError naming the operator and position', () => {
    const sdf = frame().apply(() => {
      throw new Error('boom');
    });
    expect(() => sdf.test(joke, { partition: 2, offset: 9 })).toThrow(
      "apply failed on the message at topic 'jokes' partition 2 offset 9: boom",
    );
  });

  it('toTopic serialization failures surface as ProcessingError', () => {
    const ints = new Topic<number>('ints', { valueSerializer: 'int' });
    const sdf = StreamingDataFrame.fromTopic(new Topic<number>('n')).toTopic(ints);
    expect(() => sdf.test(1.5)).toThrow(/toTopic failed .*cannot serialize the value for topic 'ints'/);
  });
});

// Compile-time contract of the DSL's types. `npx tsc --noEmit -p .` checks the expectTypeOf calls
// and that each `@ts-expect-error` line really is an error; vitest runs the frames once so the
// file also fails if the runtime disagrees.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Application, StreamingDataFrame, Topic, type MessageContext } from '../../src/index.ts';

interface Joke {
  id: number;
  text: string;
  category: string;
}

describe('DSL types', () => {
  const app = new Application({ logLevel: 'silent' });
  const jokes = app.topic<Joke>('jokes');
  const sdf = app.dataframe(jokes);

  it('flows value types through apply, filter, expand and the field helpers', () => {
    expectTypeOf(sdf).toEqualTypeOf<StreamingDataFrame<Joke, string>>();
    const lengths = sdf.apply((j) => j.text.length);
    expectTypeOf(lengths).toEqualTypeOf<StreamingDataFrame<number, string>>();
    expectTypeOf(sdf.expand((j) => j.text.split(' '))).toEqualTypeOf<StreamingDataFrame<string, string>>();
    expectTypeOf(sdf.filter((j) => j.id > 1)).toEqualTypeOf<StreamingDataFrame<Joke, string>>();
    expectTypeOf(sdf.update(() => undefined)).toEqualTypeOf<StreamingDataFrame<Joke, string>>();

    const assigned = sdf.assign('length', (j) => j.text.length);
    expectTypeOf(assigned.apply((j) => j.length)).toEqualTypeOf<StreamingDataFrame<number, string>>();
    expectTypeOf(assigned.apply((j) => j.category)).toEqualTypeOf<StreamingDataFrame<string, string>>();
    const overwritten = sdf.assign('id', (j) => String(j.id));
    expectTypeOf(overwritten.apply((j) => j.id)).toEqualTypeOf<StreamingDataFrame<string, string>>();

    expectTypeOf(sdf.select('id', 'text')).toEqualTypeOf<StreamingDataFrame<Pick<Joke, 'id' | 'text'>, string>>();
    expectTypeOf(sdf.drop('text')).toEqualTypeOf<StreamingDataFrame<Omit<Joke, 'text'>, string>>();
    expectTypeOf(lengths.merge(sdf.apply((j) => j.text))).toEqualTypeOf<StreamingDataFrame<number | string, string>>();

    expect(assigned.select('id', 'length').test({ id: 1, text: 'abc', category: 'x' })[0].value).toEqual({ id: 1, length: 3 });
  });

  it('types callback contexts with the topic key type', () => {
    const numbered = app.topic<Joke, number>('numbered', { keyDeserializer: 'int', keySerializer: 'int' });
    app.dataframe(numbered).apply((_j, ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<MessageContext<number>>();
      expectTypeOf(ctx.key).toEqualTypeOf<number>();
      return ctx.timestamp;
    });
  });

  it('narrows with type-guard predicates', () => {
    const mixed = new Topic<string | number>('mixed');
    const strings = StreamingDataFrame.fromTopic(mixed).filter((v): v is string => typeof v === 'string');
    expectTypeOf(strings).toEqualTypeOf<StreamingDataFrame<string, string>>();
  });

  it('rejects wrong field names and mismatched output topics at compile time', () => {
    // @ts-expect-error 'title' is not a field of Joke
    sdf.select('id', 'title');
    // @ts-expect-error 'title' is not a field of Joke
    sdf.drop('title');
    // @ts-expect-error assign needs object values
    sdf.apply((j) => j.id).assign('x', () => 1);
    // @ts-expect-error the frame carries numbers, the topic expects Jokes
    sdf.apply((j) => j.id).toTopic(jokes);
    // an untyped topic takes any value
    sdf.apply((j) => j.id).toTopic(app.topic('anything'));
    // @ts-expect-error select keeps only id: text is gone
    sdf.select('id').apply((j) => j.text);
    // @ts-expect-error drop removed text
    sdf.drop('text').apply((j) => j.text);
    // @ts-expect-error setTimestamp must return a number
    sdf.setTimestamp((j) => j.text);
    expect(true).toBe(true);
  });
});

// sdf.sink(...) in the Processor, without Kafka: which rows reach a sink, and when.
import { describe, expect, it } from 'vitest';
import { Processor } from '../../src/app/processor.ts';
import { StreamingDataFrame } from '../../src/dataframe/streaming-data-frame.ts';
import { MemorySink } from '../../src/sinks/memory-sink.ts';
import type { RawMessage } from '../../src/topics/message-context.ts';
import { Topic } from '../../src/topics/topic.ts';

interface Order {
  id: number;
  amount: number;
}

const messages = (orders: Order[]): RawMessage[] => orders.map((o, i) => ({ key: null, value: Buffer.from(JSON.stringify(o)), timestamp: 0, offset: i }));

describe('sdf.sink in a Processor', () => {
  it('hands each row of a message that succeeded to the sink, once per sink, buffered until flush', async () => {
    const sdf = StreamingDataFrame.fromTopic(new Topic<Order>('orders'));
    const big = new MemorySink<Order>({ name: 'big' });
    const all = new MemorySink<{ id: number }>({ name: 'all' });
    sdf.filter((o) => o.amount > 10).sink(big);
    sdf.apply((o) => ({ id: o.id })).sink(all);
    const processor = new Processor({ dataframes: [sdf] });
    expect(processor.sinks).toEqual([big, all]);
    processor.process({ topic: 'orders', partition: 0, messages: messages([{ id: 1, amount: 5 }, { id: 2, amount: 50 }]) });
    expect(big.values).toEqual([]); // buffered, not written
    await big.flush();
    await all.flush();
    expect(big.values).toEqual([{ id: 2, amount: 50 }]);
    expect(all.values).toEqual([{ id: 1 }, { id: 2 }]);
    expect(all.batches[0].rows.map((r) => r.ctx.offset)).toEqual([0, 1]);
  });

  it('leaves nothing in a sink for a message that failed in a later branch, and keeps the rows before it', async () => {
    const sdf = StreamingDataFrame.fromTopic(new Topic<Order>('orders'));
    const sink = new MemorySink<Order>({ name: 'orders' });
    sdf.sink(sink);
    sdf.apply((o) => {
      if (o.id === 2) throw new Error('bad order');
      return o;
    });
    const processor = new Processor({ dataframes: [sdf] });
    const result = processor.process({ topic: 'orders', partition: 0, messages: messages([{ id: 1, amount: 1 }, { id: 2, amount: 2 }, { id: 3, amount: 3 }]) });
    expect(result.error?.message).toContain('bad order');
    expect(result.lastProcessedOffset).toBe(0);
    await sink.flush();
    expect(sink.values).toEqual([{ id: 1, amount: 1 }]);
  });

  it('skips the sink rows of a message whose error the app skips', async () => {
    const sdf = StreamingDataFrame.fromTopic(new Topic<Order>('orders'));
    const sink = new MemorySink<Order>({ name: 'orders' });
    sdf.sink(sink);
    sdf.apply((o) => {
      if (o.id === 2) throw new Error('bad order');
      return o;
    });
    const processor = new Processor({ dataframes: [sdf], onProcessingError: () => true });
    processor.process({ topic: 'orders', partition: 0, messages: messages([{ id: 1, amount: 1 }, { id: 2, amount: 2 }, { id: 3, amount: 3 }]) });
    await sink.flush();
    expect(sink.values.map((o) => o.id)).toEqual([1, 3]);
  });
});

import { describe, expect, it } from 'vitest';
import { rangeAssign } from './range-assignor.ts';

describe('rangeAssign', () => {
  it("gives each member a contiguous range per topic, the first ones one more, as Java's RangeAssignor", () => {
    const plan = rangeAssign(
      new Map([
        ['m2', ['t', 'u']],
        ['m1', ['t', 'u']],
        ['m3', ['t']],
      ]),
      new Map([
        ['t', 7],
        ['u', 3],
      ]),
    );
    const show = (m: string) => plan.get(m)!.map((tp) => `${tp.topic}${tp.partition}`).join(' ');
    expect(show('m1')).toBe('t0 t1 t2 u0 u1');
    expect(show('m2')).toBe('t3 t4 u2');
    expect(show('m3')).toBe('t5 t6');
  });

  it('leaves members without partitions when there are more members than partitions', () => {
    const plan = rangeAssign(new Map([['a', ['t']], ['b', ['t']]]), new Map([['t', 1]]));
    expect(plan.get('a')).toEqual([{ topic: 't', partition: 0 }]);
    expect(plan.get('b')).toEqual([]);
  });
});

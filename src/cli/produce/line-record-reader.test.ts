import { describe, expect, it } from 'vitest';
import { lineRecordReader } from './line-record-reader.ts';

const reader = (props: Record<string, string>) => lineRecordReader(new Map(Object.entries(props)));

describe("Kafka's console-producer line parsing", () => {
  it('splits headers, key and value at their separators', () => {
    const read = reader({ 'parse.headers': 'true', 'parse.key': 'true' });
    expect(read('a:1,b:2\tk\tv\tw', 1)).toEqual({ key: 'k', value: 'v\tw', headers: [['a', '1'], ['b', '2']] });
    expect(reader({ 'parse.key': 'true', 'key.separator': '::' })('k::v::w', 1)).toEqual({ key: 'k', value: 'v::w', headers: [] });
  });

  it("refuses a line without a separator with Kafka's message, or leaves the part out with ignore.error", () => {
    expect(() => reader({ 'parse.key': 'true' })('no tab', 3)).toThrow("No key separator found on line number 3: 'no tab'");
    expect(() => reader({ 'parse.headers': 'true' })('x\tv', 2)).toThrow("No header key separator found in pair 'x' on line number 2");
    expect(reader({ 'parse.key': 'true', 'ignore.error': 'true' })('no tab', 3)).toEqual({ key: null, value: 'no tab', headers: [] });
  });

  it('reads the null marker as null and refuses clashing separators', () => {
    expect(reader({ 'parse.key': 'true', 'null.marker': '<null>' })('<null>\t<null>', 1)).toEqual({ key: null, value: null, headers: [] });
    expect(() => reader({ 'headers.separator': ':' })).toThrow('headers.separator and headers.key.separator may not be equal');
  });
});

import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.ts';
import { kafkaMessageFormatter } from './kafka-message-formatter.ts';
import { kcatFormatter } from './kcat-formatter.ts';
import type { PrintableRecord } from './printable-record.ts';

const record: PrintableRecord = {
  topic: 'words',
  partition: 1,
  offset: '7',
  timestamp: '1700000000000',
  timestampType: 'CreateTime',
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  headers: [['a', Buffer.from('1')], ['b', null]],
};
const kafka = (props: Record<string, string>, r: PrintableRecord = record): string => kafkaMessageFormatter(new Map(Object.entries(props)))(r).toString();

describe("Kafka's console-consumer formatting", () => {
  it('prints the value alone by default, null for a null value', () => {
    expect(kafka({})).toBe('v\n');
    expect(kafka({}, { ...record, value: null })).toBe('null\n');
  });

  it('prints the switched-on fields in Kafka order, with separators only between them', () => {
    const all = { 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.headers': 'true', 'print.key': 'true' };
    expect(kafka(all)).toBe('CreateTime:1700000000000\tPartition:1\tOffset:7\ta:1,b:null\tk\tv\n');
    expect(kafka({ ...all, 'key.separator': ' | ', 'headers.separator': ';', 'null.literal': '-', 'line.separator': '\r\n' }, { ...record, key: null, timestampType: 'LogAppendTime' })).toBe(
      'LogAppendTime:1700000000000 | Partition:1 | Offset:7 | a:1;b:- | - | v\r\n',
    );
    expect(kafka({ 'print.key': 'true', 'print.value': 'false' })).toBe('k\n');
    expect(kafka({ 'print.headers': 'TRUE' }, { ...record, headers: [] })).toBe('NO_HEADERS\tv\n');
    expect(kafka({ 'print.value': 'false' })).toBe('');
  });
});

describe('kcat format strings', () => {
  it('fills the fields and the escapes', () => {
    expect(kcatFormatter('%t[%p]@%o %T %k=%s (%K/%S) %h%%\\t\\x41\\n')(record).toString()).toBe('words[1]@7 1700000000000 k=v (1/1) a=1,b=NULL%\tA\n');
    expect(kcatFormatter('%k|%s|%K|%S')({ ...record, key: null, value: null }).toString()).toBe('||-1|-1');
    expect([...kcatFormatter('%R')(record)]).toEqual([0, 0, 0, 1]);
  });

  it('refuses an unknown field', () => {
    expect(() => kcatFormatter('%q')).toThrow(CliError);
    expect(() => kcatFormatter('trailing %')).toThrow(/at the end/);
  });
});

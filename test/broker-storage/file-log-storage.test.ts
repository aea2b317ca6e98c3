import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { InvalidTopicError, TopicExistsError, UnknownTopicError } from '../../src/broker/storage/errors.ts';
import { FileLogStorage } from '../../src/broker/storage/file-log-storage.ts';
import { validateTopicName } from '../../src/broker/storage/topic-name.ts';
import { batch, captureLogger, listTree, summarize, tempDir } from './helpers.ts';

const storages: FileLogStorage[] = [];
function openStorage(dataDir: string, extra: { segmentBytes?: number; defaultConfigs?: Record<string, string> } = {}) {
  const capture = captureLogger();
  const storage = new FileLogStorage({ dataDir, logger: capture.logger, ...extra });
  storages.push(storage);
  return { storage, ...capture };
}
afterEach(() => {
  for (const s of storages.splice(0)) s.close();
});

describe('validateTopicName', () => {
  it('accepts Kafka-legal names', () => {
    for (const name of ['a', 'orders', 'my.topic_v2-x', '...', 'a'.repeat(249), '__consumer_offsets']) expect(validateTopicName(name)).toBeNull();
  });

  it('rejects empty, dot names, path characters and names over 249 characters', () => {
    expect(validateTopicName('')).toContain('empty');
    expect(validateTopicName('.')).toContain('reserved');
    expect(validateTopicName('..')).toContain('reserved');
    expect(validateTopicName('a/b')).toContain('characters other than');
    expect(validateTopicName('../x')).toContain('characters other than');
    expect(validateTopicName('a b')).toContain('characters other than');
    expect(validateTopicName('é')).toContain('characters other than');
    expect(validateTopicName('a'.repeat(250))).toContain('250 characters');
    expect(validateTopicName('a'.repeat(251))).toContain('251 characters');
  });
});

describe('FileLogStorage', () => {
  it('creates the on-disk layout: topic.json and one directory per partition with a first segment', () => {
    const dataDir = tempDir();
    const { storage } = openStorage(dataDir);
    const info = storage.createTopic('jokes', 2, { 'retention.ms': '1000' });
    expect(info.partitions).toBe(2);
    expect(info.topicId.length).toBe(16);
    expect(listTree(dataDir)).toEqual([
      'topics', 'topics/jokes', 'topics/jokes/0', 'topics/jokes/0/00000000000000000000.log',
      'topics/jokes/1', 'topics/jokes/1/00000000000000000000.log', 'topics/jokes/topic.json',
    ]);
    const file = JSON.parse(fs.readFileSync(path.join(dataDir, 'topics/jokes/topic.json'), 'utf8'));
    expect(file).toEqual({ name: 'jokes', topicId: Buffer.from(info.topicId).toString('hex'), partitions: 2, configs: { 'retention.ms': '1000' } });
  });

  it('recovers topics, ids, configs and records after a restart', () => {
    const dataDir = tempDir();
    const first = openStorage(dataDir, { segmentBytes: 2048 });
    const a = first.storage.createTopic('a', 3, { 'cleanup.policy': 'compact' });
    first.storage.createTopic('b', 1);
    for (let i = 0; i < 40; i++) first.storage.partition('a', i % 3)!.append(batch(2, { prefix: `m${i}` }));
    first.storage.close();
    const { storage } = openStorage(dataDir, { segmentBytes: 2048 });
    expect(storage.topics().map((t) => t.name).sort()).toEqual(['a', 'b']);
    const again = storage.topic('a')!;
    expect(Buffer.from(again.topicId).equals(Buffer.from(a.topicId))).toBe(true);
    expect(again.configs).toEqual({ 'cleanup.policy': 'compact' });
    expect(storage.partition('a', 0)!.logEndOffset).toBe(28);
    expect(storage.partition('a', 1)!.logEndOffset).toBe(26);
    expect(summarize(storage.partition('a', 1)!.read(4, 1))).toEqual([[4, 2, 'm7-0']]);
    expect(storage.partition('b', 0)!.logEndOffset).toBe(0);
    expect(storage.partition('a', 3)).toBeUndefined();
  });

  it.each(['..', '.', 'a/b', '../x', 'x'.repeat(251), '', '../../etc/passwd', 'a\\b'])('rejects the topic name %j and writes nothing', (name) => {
    const parent = tempDir();
    const dataDir = path.join(parent, 'data');
    const { storage } = openStorage(dataDir);
    const before = listTree(parent);
    expect(() => storage.createTopic(name, 1)).toThrow(InvalidTopicError);
    expect(listTree(parent)).toEqual(before);
    expect(storage.topics()).toEqual([]);
  });

  it('rejects an existing topic, unknown topics and invalid partition counts', () => {
    const { storage } = openStorage(tempDir());
    storage.createTopic('t', 1);
    expect(() => storage.createTopic('t', 1)).toThrow(TopicExistsError);
    expect(() => storage.createTopic('u', 0)).toThrow(ConfigError);
    expect(() => storage.deleteTopic('nope')).toThrow(UnknownTopicError);
    expect(() => storage.addPartitions('nope', 2)).toThrow(UnknownTopicError);
    expect(() => storage.alterConfigs('nope', {})).toThrow(UnknownTopicError);
    expect(() => storage.addPartitions('t', 0)).toThrow(ConfigError);
    expect(storage.topic('u')).toBeUndefined();
  });

  it('deletes a topic with its directory, and a new topic of the same name starts empty', () => {
    const dataDir = tempDir();
    const { storage } = openStorage(dataDir);
    const old = storage.createTopic('gone', 2);
    storage.partition('gone', 0)!.append(batch(5));
    storage.deleteTopic('gone');
    expect(storage.topic('gone')).toBeUndefined();
    expect(storage.partition('gone', 0)).toBeUndefined();
    expect(fs.existsSync(path.join(dataDir, 'topics/gone'))).toBe(false);
    const fresh = storage.createTopic('gone', 1);
    expect(storage.partition('gone', 0)!.logEndOffset).toBe(0);
    expect(Buffer.from(fresh.topicId).equals(Buffer.from(old.topicId))).toBe(false);
  });

  it('adds partitions and persists the new count', () => {
    const dataDir = tempDir();
    const first = openStorage(dataDir);
    first.storage.createTopic('grow', 1);
    expect(first.storage.addPartitions('grow', 4).partitions).toBe(4);
    first.storage.partition('grow', 3)!.append(batch(2));
    first.storage.close();
    const { storage } = openStorage(dataDir);
    expect(storage.topic('grow')!.partitions).toBe(4);
    expect(storage.partition('grow', 3)!.logEndOffset).toBe(2);
  });

  it('alters configs (null removes a key), persists them and applies them to the partitions', () => {
    const dataDir = tempDir();
    const first = openStorage(dataDir);
    first.storage.createTopic('cfg', 1, { 'retention.ms': '5', 'cleanup.policy': 'delete' });
    const info = first.storage.alterConfigs('cfg', { 'retention.ms': null, 'message.timestamp.type': 'LogAppendTime' });
    expect(info.configs).toEqual({ 'cleanup.policy': 'delete', 'message.timestamp.type': 'LogAppendTime' });
    expect(first.storage.partition('cfg', 0)!.append(batch(1)).logAppendTime).toBeGreaterThan(0);
    first.storage.close();
    const { storage } = openStorage(dataDir);
    expect(storage.topic('cfg')!.configs).toEqual({ 'cleanup.policy': 'delete', 'message.timestamp.type': 'LogAppendTime' });
  });

  it('applies defaultConfigs beneath topic configs and runs retention over every partition', () => {
    const { storage } = openStorage(tempDir(), { segmentBytes: 1024, defaultConfigs: { 'retention.ms': '1000' } });
    storage.createTopic('old', 1);
    storage.createTopic('kept', 1, { 'retention.ms': '-1' });
    for (let i = 0; i < 30; i++) {
      storage.partition('old', 0)!.append(batch(2, { timestamp: 100 }));
      storage.partition('kept', 0)!.append(batch(2, { timestamp: 100 }));
    }
    storage.enforceRetention(10_000);
    expect(storage.partition('old', 0)!.logStartOffset).toBe(60);
    expect(storage.partition('kept', 0)!.logStartOffset).toBe(0);
  });

  it('ignores a topic directory left without topic.json and lets the topic be created again', () => {
    const dataDir = tempDir();
    fs.mkdirSync(path.join(dataDir, 'topics/half/0'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'topics/half/0/00000000000000000000.log'), batch(3));
    const { storage, warnings } = openStorage(dataDir);
    expect(storage.topic('half')).toBeUndefined();
    expect(warnings.length).toBe(1);
    storage.createTopic('half', 1);
    expect(storage.partition('half', 0)!.logEndOffset).toBe(0);
  });

  it('rejects invalid options with a ConfigError naming the option', () => {
    expect(() => new FileLogStorage({ dataDir: tempDir(), segmentBytes: 10 })).toThrow(/segmentBytes/);
  });
});

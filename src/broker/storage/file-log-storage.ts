import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { createLogger, type Logger } from '../../logger.ts';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-write.ts';
import { InvalidTopicError, StorageError, TopicExistsError, UnknownTopicError } from './errors.ts';
import { FdCache } from './fd-cache.ts';
import { FilePartitionLog } from './file-partition-log.ts';
import { logPolicy } from './log-policy.ts';
import type { LogStorage, PartitionLog, TopicInfo } from './log-storage.ts';
import { validateTopicName } from './topic-name.ts';

/** Largest number of partitions one topic may have. */
export const MAX_PARTITIONS = 100_000;

const OptionsSchema = z
  .object({
    dataDir: z.string().min(1),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function').optional(),
    segmentBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(64 * 1024 * 1024),
    indexIntervalBytes: z.number().int().min(1).max(1024 * 1024 * 1024).default(4096),
    maxOpenReadFiles: z.number().int().min(1).max(10_000).default(32),
    defaultConfigs: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** Options of `FileLogStorage`. */
export interface FileLogStorageOptions {
  /** Directory holding `topics/`; created when missing. Nothing is written outside it. */
  dataDir: string;
  logger?: Logger;
  /** A segment rolls once the next append would take it past this size. Default 64 MiB. */
  segmentBytes?: number;
  /** Bytes between sparse index entries. Default 4096. */
  indexIntervalBytes?: number;
  /** Descriptors of old segments kept open for reads (LRU). Default 32. */
  maxOpenReadFiles?: number;
  /** Broker-wide topic configs that topics inherit unless they set their own (e.g. `retention.ms`). */
  defaultConfigs?: Record<string, string>;
}

interface TopicEntry {
  info: TopicInfo;
  logs: FilePartitionLog[];
}

const TopicFileSchema = z.object({
  name: z.string(),
  topicId: z.string().regex(/^[0-9a-f]{32}$/),
  partitions: z.number().int().min(1).max(MAX_PARTITIONS),
  configs: z.record(z.string(), z.string()),
});

/**
 * Durable storage of every topic under `<dataDir>/topics/<topic>/`: a `topic.json` (name, id,
 * partitions, configs) and one directory per partition of segment files. Constructing it loads
 * and recovers every topic on disk.
 *
 * @example
 * ```ts
 * const storage = new FileLogStorage({ dataDir: '/tmp/sluice-data' });
 * storage.createTopic('jokes', 3, { 'retention.ms': '3600000' });
 * storage.partition('jokes', 0)!.append(recordBatches);
 * storage.close();
 * ```
 */
export class FileLogStorage implements LogStorage {
  private readonly root: string;
  private readonly topicsRoot: string;
  private readonly trashRoot: string;
  private readonly log: Logger;
  private readonly options: Readonly<{ segmentBytes: number; indexIntervalBytes: number; defaultConfigs: Record<string, string> }>;
  private readonly fds: FdCache;
  private readonly entries = new Map<string, TopicEntry>();
  private closed = false;

  constructor(options: FileLogStorageOptions) {
    const parsed = OptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`FileLogStorage option "${issue.path.join('.') || '(root)'}": ${issue.message}; see FileLogStorageOptions`);
    }
    const o = parsed.data;
    this.options = Object.freeze({ segmentBytes: o.segmentBytes, indexIntervalBytes: o.indexIntervalBytes, defaultConfigs: { ...o.defaultConfigs } });
    this.log = o.logger ?? createLogger('storage');
    this.fds = new FdCache(o.maxOpenReadFiles);
    this.root = path.resolve(o.dataDir);
    this.topicsRoot = path.join(this.root, 'topics');
    this.trashRoot = path.join(this.root, 'deleted-topics');
    fs.mkdirSync(this.topicsRoot, { recursive: true });
    fs.rmSync(this.trashRoot, { recursive: true, force: true });
    this.loadAll();
  }

  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): TopicInfo {
    const dir = this.topicDir(name);
    if (this.entries.has(name)) throw new TopicExistsError(`topic "${name}" already exists; use another name or delete it first`);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new ConfigError(`topic "${name}": partitions must be an integer from 1 to ${MAX_PARTITIONS}, got ${partitions}`);
    }
    if (fs.existsSync(dir)) {
      this.log.warn({ topic: name, dir }, 'removing a leftover directory of an unknown topic before creating it');
      this.moveToTrash(dir, name);
    }
    fs.mkdirSync(dir, { recursive: true });
    const info: TopicInfo = Object.freeze({ name, topicId: new Uint8Array(randomBytes(16)), partitions, configs: Object.freeze({ ...configs }) });
    const logs = Array.from({ length: partitions }, (_, p) => this.openPartition(info, p));
    this.writeTopicFile(info);
    this.entries.set(name, { info, logs });
    return info;
  }

  deleteTopic(name: string): void {
    const entry = this.entry(name);
    for (const log of entry.logs) log.release();
    this.entries.delete(name);
    this.moveToTrash(this.topicDir(name), name);
  }

  addPartitions(name: string, totalPartitions: number): TopicInfo {
    const entry = this.entry(name);
    const current = entry.info.partitions;
    if (!Number.isInteger(totalPartitions) || totalPartitions < current || totalPartitions > MAX_PARTITIONS) {
      throw new ConfigError(`topic "${name}" has ${current} partitions; the new count must be an integer from ${current} to ${MAX_PARTITIONS}, got ${totalPartitions}`);
    }
    if (totalPartitions === current) return entry.info;
    const info: TopicInfo = Object.freeze({ ...entry.info, partitions: totalPartitions });
    for (let p = current; p < totalPartitions; p++) entry.logs.push(this.openPartition(info, p));
    this.writeTopicFile(info);
    entry.info = info;
    return info;
  }

  alterConfigs(name: string, configs: Record<string, string | null>): TopicInfo {
    const entry = this.entry(name);
    const next: Record<string, string> = { ...entry.info.configs };
    for (const [key, value] of Object.entries(configs)) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    const info: TopicInfo = Object.freeze({ ...entry.info, configs: Object.freeze(next) });
    this.writeTopicFile(info);
    entry.info = info;
    const policy = logPolicy(this.effectiveConfigs(info));
    for (const log of entry.logs) log.policy = policy;
    return info;
  }

  topic(name: string): TopicInfo | undefined {
    return this.entries.get(name)?.info;
  }

  topics(): TopicInfo[] {
    return [...this.entries.values()].map((e) => e.info);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.entries.get(topic)?.logs[partition];
  }

  /** The file-backed log of a partition (for retention and flush control in tests and tools). */
  filePartition(topic: string, partition: number): FilePartitionLog | undefined {
    return this.entries.get(topic)?.logs[partition];
  }

  /** The topic's configs with the storage's `defaultConfigs` beneath them. */
  effectiveConfigs(info: TopicInfo): Record<string, string> {
    return { ...this.options.defaultConfigs, ...info.configs };
  }

  enforceRetention(now: number): void {
    if (this.closed) return;
    for (const { logs } of this.entries.values()) {
      for (const log of logs) {
        try {
          log.enforceRetention(now);
        } catch (err) {
          this.log.warn({ err, topic: log.topic, partition: log.partition }, 'retention failed for a partition; will retry on the next run');
        }
      }
    }
  }

  /** fsyncs every active segment. */
  flush(): void {
    for (const { logs } of this.entries.values()) for (const log of logs) log.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { logs } of this.entries.values()) for (const log of logs) log.close();
    this.fds.closeAll();
  }

  private entry(name: string): TopicEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new UnknownTopicError(`topic "${name}" does not exist; create it first`);
    return entry;
  }

  /** The topic's directory, after checking the name and that the path stays inside dataDir. */
  private topicDir(name: string): string {
    const problem = validateTopicName(name);
    if (problem !== null) throw new InvalidTopicError(problem);
    const dir = path.resolve(this.topicsRoot, name);
    if (path.dirname(dir) !== this.topicsRoot) throw new InvalidTopicError(`topic name "${name}" does not map to a directory inside ${this.topicsRoot}`);
    return dir;
  }

  private openPartition(info: TopicInfo, partition: number): FilePartitionLog {
    return new FilePartitionLog({
      dir: path.join(this.topicDir(info.name), String(partition)),
      topic: info.name,
      partition,
      fds: this.fds,
      log: this.log,
      segmentBytes: this.options.segmentBytes,
      indexIntervalBytes: this.options.indexIntervalBytes,
      policy: logPolicy(this.effectiveConfigs(info)),
    });
  }

  private writeTopicFile(info: TopicInfo): void {
    const body = { name: info.name, topicId: Buffer.from(info.topicId).toString('hex'), partitions: info.partitions, configs: info.configs };
    writeFileAtomic(path.join(this.topicDir(info.name), 'topic.json'), `${JSON.stringify(body, null, 2)}\n`);
  }

  private moveToTrash(dir: string, name: string): void {
    fs.mkdirSync(this.trashRoot, { recursive: true });
    const target = path.join(this.trashRoot, `${name}-${randomBytes(4).toString('hex')}`);
    fs.renameSync(dir, target);
    fs.rmSync(target, { recursive: true, force: true });
  }

  private loadAll(): void {
    for (const dirent of fs.readdirSync(this.topicsRoot, { withFileTypes: true })) {
      if (!dirent.isDirectory()) continue;
      const name = dirent.name;
      const dir = path.join(this.topicsRoot, name);
      const file = path.join(dir, 'topic.json');
      if (validateTopicName(name) !== null) {
        this.log.warn({ dir }, 'ignoring a directory whose name is not a valid topic name');
        continue;
      }
      removeStaleTempFiles(dir);
      if (!fs.existsSync(file)) {
        this.log.warn({ topic: name, dir }, 'ignoring a topic directory without topic.json (a creation that did not finish)');
        continue;
      }
      let parsed: z.infer<typeof TopicFileSchema>;
      try {
        parsed = TopicFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
      } catch (err) {
        throw new StorageError(`${file} is not a valid topic file (${(err as Error).message}); repair or remove the directory ${dir}`, { cause: err });
      }
      if (parsed.name !== name) throw new StorageError(`${file} names topic "${parsed.name}" but lies in directory "${name}"; rename one of them`);
      const info: TopicInfo = Object.freeze({
        name,
        topicId: new Uint8Array(Buffer.from(parsed.topicId, 'hex')),
        partitions: parsed.partitions,
        configs: Object.freeze({ ...parsed.configs }),
      });
      const logs = Array.from({ length: info.partitions }, (_, p) => this.openPartition(info, p));
      this.entries.set(name, { info, logs });
    }
  }
}

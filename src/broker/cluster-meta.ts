import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors.ts';

/** Identity of the cluster stored in a data directory. */
export interface ClusterMeta {
  /** 22 characters of base64url, like Kafka's cluster ids. */
  readonly clusterId: string;
  readonly nodeId: number;
}

const FILE = 'meta.properties';

/**
 * Reads `meta.properties` from the data directory, creating it with a new random cluster id on
 * first start, so the cluster id survives restarts (as in Kafka's log dirs).
 *
 * @example
 * ```ts
 * const { clusterId, nodeId } = loadClusterMeta('.sluice/data');
 * ```
 */
export function loadClusterMeta(dataDir: string): ClusterMeta {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, FILE);
  if (existsSync(path)) {
    const props = new Map<string, string>();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const eq = t.indexOf('=');
      if (eq > 0) props.set(t.slice(0, eq).trim(), t.slice(eq + 1).trim());
    }
    const clusterId = props.get('cluster.id');
    const nodeId = Number(props.get('node.id') ?? '0');
    if (!clusterId || !Number.isInteger(nodeId)) {
      throw new ConfigError(`${path} lacks a valid cluster.id or node.id; fix or delete the file (a new cluster id is then generated)`);
    }
    return { clusterId, nodeId };
  }
  const meta = { clusterId: randomBytes(16).toString('base64url'), nodeId: 0 };
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `# written by the sluice embedded broker\nversion=1\ncluster.id=${meta.clusterId}\nnode.id=${meta.nodeId}\n`);
  renameSync(tmp, path);
  return meta;
}

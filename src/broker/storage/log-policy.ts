/** Kafka's default `retention.ms`: 7 days. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** How a partition log treats appends and retention, parsed from a topic's effective configs. */
export interface LogPolicy {
  /** `message.timestamp.type=LogAppendTime`: the broker stamps its clock on each batch. */
  readonly logAppendTime: boolean;
  /** `retention.ms`; -1 keeps segments whatever their age. */
  readonly retentionMs: number;
  /** `retention.bytes` per partition; -1 means unlimited. */
  readonly retentionBytes: number;
  /** False for `cleanup.policy=compact` alone: such logs are never deleted by time or size. */
  readonly deleteEnabled: boolean;
}

function integer(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return fallback;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= -1 ? n : fallback;
}

/**
 * Parses the configs that matter to storage; values that are not valid integers fall back to the
 * defaults (Kafka's: 7 days, unlimited bytes, `delete`, `CreateTime`).
 *
 * @example
 * ```ts
 * logPolicy({ 'retention.ms': '60000', 'cleanup.policy': 'delete' }).retentionMs; // 60000
 * ```
 */
export function logPolicy(configs: Readonly<Record<string, string>>): LogPolicy {
  const cleanup = (configs['cleanup.policy'] ?? 'delete').split(',').map((s) => s.trim());
  return Object.freeze({
    logAppendTime: configs['message.timestamp.type'] === 'LogAppendTime',
    retentionMs: integer(configs['retention.ms'], DEFAULT_RETENTION_MS),
    retentionBytes: integer(configs['retention.bytes'], -1),
    deleteEnabled: cleanup.includes('delete') || !cleanup.includes('compact'),
  });
}

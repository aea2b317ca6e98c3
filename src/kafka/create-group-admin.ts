import type { Logger } from 'pino';
import type { GroupAdmin } from './group-admin.ts';
import { Cluster } from './native/cluster.ts';
import { NativeGroupAdmin } from './native/native-group-admin.ts';

/**
 * A {@link GroupAdmin} for the brokers at `brokerAddress`. It speaks the group APIs through
 * sluice's native protocol client whatever client the apps use: kafkajs has no OffsetDelete and
 * does not say which broker coordinates a group.
 *
 * @example
 * ```ts
 * const groups = createGroupAdmin({ brokerAddress: 'localhost:9092', clientId: 'ops', logger: createLogger('ops') });
 * console.log(await groups.listGroups());
 * await groups.close();
 * ```
 */
export function createGroupAdmin(options: {
  brokerAddress: string;
  clientId: string;
  logger: Logger;
  connectTimeoutMs?: number;
  /** How long one request may take before it fails, in ms. */
  requestTimeoutMs?: number;
}): GroupAdmin {
  return new NativeGroupAdmin(new Cluster(options));
}

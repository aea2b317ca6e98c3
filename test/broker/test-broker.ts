import { pino } from 'pino';
import { launchBroker, type BrokerHandle } from '../../src/broker/launch-broker.ts';
import type { BrokerConfig } from '../../src/broker/handler.ts';
import { MemoryLogStorage, MemoryOffsetStore, MemoryTransactionStore, testBrokerConfig } from './memory-log-storage.ts';

/** Starts a broker on a free port over in-memory storage, with logging off. */
export async function startMemoryBroker(config: Partial<BrokerConfig> = {}): Promise<BrokerHandle & { storage: MemoryLogStorage }> {
  const storage = new MemoryLogStorage();
  const handle = await launchBroker({
    host: '127.0.0.1',
    port: 0,
    nodeId: 0,
    clusterId: 'test-cluster-id-000000',
    config: testBrokerConfig(config),
    storage,
    offsets: new MemoryOffsetStore(),
    transactionStore: new MemoryTransactionStore(),
    log: pino({ level: process.env.BROKER_TEST_LOG ?? 'silent' }),
    retentionCheckIntervalMs: 60_000,
  });
  return Object.assign(handle, { storage });
}

// Vitest config for the cluster suite only (`npm run test:cluster`): sluice apps against a
// three-node Apache Kafka cluster the suite starts itself (scripts/kafka/kafka.sh start --nodes 3).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/cluster/**/*.cluster.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 320_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});

// Vitest config for the compatibility suites only (`npm run test:compat`): real Kafka clients against
// the test broker (embedded, or SLUICE_TEST_BROKER=host:port), one file at a time on the 2-core machines.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/compat/**/*.compat.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});

import { configDefaults, defineConfig } from 'vitest/config';

// `npm test`: unit and integration tests against the embedded broker; needs nothing but Node.
// The real-client compatibility suites (kcat, Java tools, librdkafka, kafka-go) need those clients
// installed and run separately: `npm run test:compat` (test/compat/vitest.config.ts).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/compat/**', 'test/cluster/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

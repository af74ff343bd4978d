import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The topology tier: roles as separate processes from the build output, on the PostgreSQL of
 * TEST_DATABASE_URL and a Mosquitto each file starts with deploy/mosquitto.conf
 * (`npm run test:topology`), plus the fault cases short enough for every CI run; the rest run
 * with `npm run test:faults`.
 */
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: [
      'test/topology/*.test.ts',
      'test/topology/faults/ingest-faults.test.ts',
      'test/topology/faults/graph-faults.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});

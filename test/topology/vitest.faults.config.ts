import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The fault suite: the topology's roles as processes while PostgreSQL, the broker, the OPC UA
 * server, a connectors process, a subgraph replica or a gateway fails, and with a full disk under
 * the spool (`npm run test:faults`). Needs the build, TEST_DATABASE_URL on this machine's
 * PostgreSQL cluster (the cases restart it with pg_ctlcluster) and root (a tmpfs mount).
 */
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/topology/faults/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});

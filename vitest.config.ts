import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The suite runs once on the embedded PGlite+TimescaleDB backend and, when TEST_DATABASE_URL
 * points at a real PostgreSQL, a second time against it.
 */
const backends = ['embedded', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  resolve: {
    // graphql ships CommonJS and ESM builds. Node loads the CommonJS one for every dependency
    // (Apollo, type-graphql); Vite would pick the ESM one for our sources, and two copies of
    // graphql reject each other's schema objects.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: backends.map((backend) => ({
      extends: true,
      test: {
        name: backend,
        include: [
          '{packages,domains,subgraphs,connectors,gateway,cli,tools,demo,test}/**/*.test.ts',
        ],
        // *.postgres.test.ts need a PostgreSQL server of their own to take away (outages).
        exclude: [
          '**/node_modules/**',
          // Separate processes from the build output: `npm run test:topology`.
          'test/topology/**',
          ...(backend === 'embedded' ? ['**/*.postgres.test.ts'] : []),
        ],
        env: { PLANTGRAPH_TEST_BACKEND: backend },
      },
    })),
  },
});

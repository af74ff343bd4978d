import { defineConfig } from 'vitest/config';

/**
 * The suite runs once on the embedded PGlite+TimescaleDB backend and, when TEST_DATABASE_URL
 * points at a real PostgreSQL, a second time against it.
 */
const backends = ['embedded', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: backends.map((backend) => ({
      extends: true,
      test: {
        name: backend,
        include: ['{packages,subgraphs,gateway,demo,test}/**/*.test.ts'],
        exclude: ['**/node_modules/**'],
        env: { PLANTGRAPH_TEST_BACKEND: backend },
      },
    })),
  },
});

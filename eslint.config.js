import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Which workspace may import which (docs/architecture.md#boundaries). Each kind of workspace is
 * named by its packages and by the source folders a relative path would reach it through.
 * Patterns are gitignore-style: `@plantgraph/demo` covers `@plantgraph/demo/roles`, not
 * `@plantgraph/demo-catalog`.
 */
const CONNECTORS = [
  '@plantgraph/connector-runtime',
  '@plantgraph/opcua-connector',
  '@plantgraph/mqtt-connector',
  '@plantgraph/ingest',
  '@plantgraph/simulator',
  '**/connectors/*/src/**',
];

/** The services, which nothing shared may pull in: each runs as a process of its own. */
const SERVICE = {
  subgraphs: {
    group: ['@plantgraph/*-subgraph', '**/subgraphs/*/src/**'],
    message: 'A subgraph is a service: reach it through the gateway, not by import.',
  },
  connectors: {
    group: CONNECTORS,
    message: 'A connector is a service: share what it needs through packages/* or domains/*.',
  },
  gateway: {
    group: ['@plantgraph/gateway', '**/gateway/src/**'],
    message: 'The gateway is a service: only the cli, the demo and tests import it.',
  },
  cli: { group: ['@plantgraph/cli', '**/cli/src/**'], message: 'Nothing imports the cli.' },
  demo: {
    group: ['@plantgraph/demo', '**/demo/src/**'],
    message: 'The demo assembles the services: only the cli, tools and tests import it.',
  },
  tools: {
    group: ['@plantgraph/tools', '@plantgraph/test', '**/tools/src/**'],
    message: 'tools and test/ are development only, never part of a service or package.',
  },
};
const ALL_SERVICES = Object.values(SERVICE);

/** GraphQL, the subgraph kit (type-graphql and Apollo Server) included. */
const GRAPHQL = {
  group: ['graphql', 'graphql-*', 'type-graphql', '@apollo/*', '@graphql-*/*', '@plantgraph/graph'],
  message: 'A domain knows no GraphQL: resolvers and types belong in the subgraph.',
};

const boundary = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', '**/.data/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // Tests and benchmarks assert on shapes they just checked or read back; non-null assertions
    // keep them readable.
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  // Boundaries. cli, demo, tools and test/ assemble everything and are not restricted.
  // A subgraph stands alone behind the gateway: packages and domains only.
  boundary(['subgraphs/*/src/**'], ALL_SERVICES),
  // Shared packages, packages/testing included: support that starts services belongs in test/
  // (the integration workspace), so no package's tests depend on a service either.
  boundary(['packages/*/src/**'], ALL_SERVICES),
  // Connectors feed the database and the bus, and may use each other (the runtime runs them).
  boundary(['connectors/*/src/**'], [SERVICE.gateway, SERVICE.subgraphs]),
  // Domains own tables and rules for every adapter alike.
  boundary(['domains/*/src/**'], [GRAPHQL, ...ALL_SERVICES]),
  boundary(['gateway/src/**'], [SERVICE.subgraphs]),
);

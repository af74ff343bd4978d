import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for everything that talks to the graph from TypeScript (the integration tests,
 * the example adapters) generated from the composed API schema, which `npm run compose` keeps in
 * step with the subgraphs.
 */
const typedDocuments = {
  useTypeImports: true,
  enumsAsTypes: true,
  scalars: { DateTime: 'string', JSON: 'unknown' },
  emitLegacyCommonJSImports: false,
};

const config: CodegenConfig = {
  schema: 'gateway/api-schema.graphql',
  ignoreNoDocuments: true,
  generates: {
    'test/generated/': {
      documents: ['test/**/*.ts', '!test/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: typedDocuments,
    },
    'docs/examples/generated/': {
      documents: ['docs/examples/*.ts'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: typedDocuments,
    },
  },
  hooks: { afterAllFileWrite: ['prettier --write'] },
};

export default config;

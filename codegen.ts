import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for everything that talks to the graph from TypeScript (the integration tests,
 * the example adapters) generated from the composed API schema, which `npm run compose` keeps in
 * step with the subgraphs.
 */
const config: CodegenConfig = {
  schema: 'gateway/api-schema.graphql',
  documents: ['test/**/*.ts', '!test/generated/**'],
  ignoreNoDocuments: true,
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
        emitLegacyCommonJSImports: false,
      },
    },
  },
  hooks: { afterAllFileWrite: ['prettier --write'] },
};

export default config;

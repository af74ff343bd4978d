import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The workspace boundaries of eslint.config.js bite: each rule, applied to source placed inside a
 * workspace (a path, no file written), refuses an import across it and lets the allowed ones be.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: `${ROOT}eslint.config.js` });

/** The `no-restricted-imports` messages for `code` as if it were `filePath` (from the root). */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

const importing = (specifier: string) => `import { x } from '${specifier}';\nexport const y = x;\n`;

describe('workspace boundaries', () => {
  it.each([
    ['@plantgraph/opcua-connector', 'A connector is a service'],
    ['@plantgraph/ingest', 'A connector is a service'],
    ['@plantgraph/orders-subgraph', 'A subgraph is a service'],
    ['@plantgraph/gateway', 'The gateway is a service'],
    ['@plantgraph/cli', 'Nothing imports the cli'],
    ['@plantgraph/demo/roles', 'The demo assembles the services'],
    ['@plantgraph/tools', 'development only'],
    ['../../../gateway/src/gateway-server.ts', 'The gateway is a service'],
  ])('keeps %s out of a subgraph', async (specifier, reason) => {
    const refused = await refusals('subgraphs/assets/src/boundary.ts', importing(specifier));
    expect(refused).toEqual([expect.stringContaining(reason)]);
  });

  it.each(['@plantgraph/timeseries-subgraph', '@plantgraph/simulator', '@plantgraph/gateway'])(
    'keeps %s out of a shared package',
    async (specifier) => {
      expect(await refusals('packages/db/src/boundary.ts', importing(specifier))).toHaveLength(1);
    },
  );

  it.each(['@plantgraph/gateway', '@plantgraph/alarms-subgraph'])(
    'keeps %s out of a connector',
    async (specifier) => {
      expect(await refusals('connectors/mqtt/src/boundary.ts', importing(specifier))).toHaveLength(
        1,
      );
    },
  );

  it.each(['graphql', 'type-graphql', '@apollo/server', '@plantgraph/graph', '@plantgraph/ingest'])(
    'keeps %s out of a domain',
    async (specifier) => {
      expect(await refusals('domains/orders/src/boundary.ts', importing(specifier))).toHaveLength(
        1,
      );
    },
  );

  it('keeps subgraphs out of the gateway', async () => {
    const refused = await refusals(
      'gateway/src/boundary.ts',
      importing('@plantgraph/quality-subgraph'),
    );
    expect(refused).toEqual([expect.stringContaining('A subgraph is a service')]);
  });

  it('keeps the connectors out of the demo catalog, which writes the configuration language', async () => {
    const file = 'packages/demo-catalog/src/boundary.ts';
    expect(await refusals(file, importing('@plantgraph/ingest'))).toHaveLength(1);
    expect(await refusals(file, importing('@plantgraph/integration-domain/config'))).toEqual([]);
  });

  it('passes what each workspace may import', async () => {
    const allowed: [string, string[]][] = [
      ['subgraphs/assets/src/boundary.ts', ['@plantgraph/graph', '@plantgraph/db', 'type-graphql']],
      ['packages/graph/src/boundary.ts', ['@plantgraph/errors', '@plantgraph/assets-domain']],
      ['connectors/runtime/src/boundary.ts', ['@plantgraph/ingest', '@plantgraph/mqtt-connector']],
      ['domains/orders/src/boundary.ts', ['@plantgraph/db', '@plantgraph/errors', 'zod']],
      ['gateway/src/boundary.ts', ['@plantgraph/graph', '@apollo/gateway', '@plantgraph/auth']],
      ['cli/src/boundary.ts', ['@plantgraph/gateway', '@plantgraph/alarms-subgraph']],
    ];
    for (const [file, specifiers] of allowed) {
      const code = specifiers.map((specifier, n) => `export { x as x${n} } from '${specifier}';`);
      expect(await refusals(file, code.join('\n')), file).toEqual([]);
    }
  });
});

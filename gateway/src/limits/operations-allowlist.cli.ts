import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { DocumentNode } from 'graphql';
import { allowListOf } from './operations-allowlist.ts';

// `npm run operations:allowlist -- [--out <file>] [<codegen client-preset output dir> ...]`
// writes the allow-list for PLANTGRAPH_OPERATIONS_ALLOWLIST from the typed documents that
// graphql-codegen generated (their graphql.ts); by default those of this repository.
const { values, positionals } = parseArgs({
  options: { out: { type: 'string', default: 'operations-allowlist.json' } },
  allowPositionals: true,
});
// Directories given are relative to where npm was run; the defaults to the repository.
const repository = new URL('../../../', import.meta.url).pathname;
const cwd = process.env.INIT_CWD ?? process.cwd();
const directories =
  positionals.length > 0
    ? positionals.map((directory) => resolve(cwd, directory))
    : ['docs/examples/generated', 'test/generated'].map((directory) =>
        resolve(repository, directory),
      );

const documents: DocumentNode[] = [];
for (const directory of directories) {
  const module = (await import(pathToFileURL(resolve(directory, 'graphql.ts')).href)) as Record<
    string,
    unknown
  >;
  for (const value of Object.values(module)) {
    if ((value as Partial<DocumentNode> | null)?.kind === 'Document')
      documents.push(value as DocumentNode);
  }
}
const allowList = allowListOf(documents);
const out = resolve(cwd, values.out);
writeFileSync(out, `${JSON.stringify(allowList, null, 2)}\n`);
console.log(`${Object.keys(allowList).length} operations from ${directories.join(', ')} in ${out}`);

import { readFileSync, writeFileSync } from 'node:fs';
import { apiSchemaPath, composeSupergraph, supergraphPath } from './compose.ts';

// `npm run compose` rewrites the committed schemas; `npm run compose -- --check` fails when they
// are stale, which is how CI catches a subgraph change that was not recomposed.
const check = process.argv.includes('--check');
const composed = await composeSupergraph();
const outputs = [
  [supergraphPath, composed.supergraphSdl],
  [apiSchemaPath, composed.apiSchemaSdl],
] as const;

let stale = false;
for (const [path, content] of outputs) {
  const current = (() => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  })();
  if (current === content) continue;
  stale = true;
  if (!check) writeFileSync(path, content);
  console.log(`${check ? 'stale' : 'wrote'}: ${path}`);
}
if (check && stale) {
  console.error('The committed schemas differ from the subgraphs: run `npm run compose`.');
  process.exit(1);
}
if (!stale) console.log('Supergraph is up to date.');

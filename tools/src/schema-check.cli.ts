import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph } from './compose.ts';
import {
  acceptRefusal,
  baselinePath,
  changelogPath,
  checkSchema,
  formatSchemaCheck,
  stampRelease,
} from './schema-check.ts';

// `npm run schema:check` diffs the API schema the subgraphs compose to against the last release's
// and fails on breaking changes the changelog does not record. `-- --accept` makes the current
// schema the new baseline and closes the changelog's Unreleased section: that is a release.
const accept = process.argv.includes('--accept');
const { apiSchemaSdl } = await composeSupergraph();
const changelog = readFileSync(changelogPath, 'utf8');
const baselineSdl = (() => {
  try {
    return readFileSync(baselinePath, 'utf8');
  } catch {
    return undefined;
  }
})();
if (baselineSdl === undefined) {
  if (!accept) {
    console.error(
      `No baseline at ${baselinePath}: create it with \`npm run schema:check -- --accept\`.`,
    );
    process.exit(1);
  }
  writeFileSync(baselinePath, apiSchemaSdl);
  console.log(`wrote: ${baselinePath}`);
  process.exit(0);
}

const result = await checkSchema({ baselineSdl, currentSdl: apiSchemaSdl, changelog });
console.log(formatSchemaCheck(result));

if (accept) {
  if (result.changes.length === 0) process.exit(0);
  const refusal = acceptRefusal(result, changelog);
  if (refusal) {
    console.error(`\nNot accepted: ${refusal}`);
    process.exit(1);
  }
  writeFileSync(baselinePath, apiSchemaSdl);
  writeFileSync(changelogPath, stampRelease(changelog, new Date().toISOString().slice(0, 10)));
  console.log(
    `\nwrote: ${baselinePath}\nwrote: ${changelogPath} (Unreleased closed as today's release)`,
  );
  process.exit(0);
}

if (result.failures.length > 0) {
  console.error(
    `\n${result.failures.length} breaking change(s) fail the check. Record each coordinate under ` +
      `"## Unreleased" in docs/schema-changelog.md; a field, input field or enum value must ship ` +
      '@deprecated in a release before it is removed.',
  );
  process.exit(1);
}
console.log('\nSchema check passed.');

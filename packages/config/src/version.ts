import { readFileSync } from 'node:fs';

const rootPackage = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as { version: string };

/** The Plantgraph release, read from the root package.json. */
export const platformVersion: string = rootPackage.version;

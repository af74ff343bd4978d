import { readFileSync } from 'node:fs';
import { runtimeFile } from './resources.ts';

const rootPackage = JSON.parse(
  readFileSync(runtimeFile(import.meta.url, 3, 'package.json'), 'utf8'),
) as { version: string };

/** The Plantgraph release, read from the root package.json (or the bundle's). */
export const platformVersion: string = rootPackage.version;

import { readFileSync } from 'node:fs';
import { runtimeFile } from '@plantgraph/config';

/** The committed supergraph (`npm run compose` writes it), beside the built gateway in an image. */
export const defaultSupergraphPath = runtimeFile(import.meta.url, 2, 'gateway/supergraph.graphql');

/** The supergraph SDL the gateway serves: the committed one, or the file at `path`. */
export function loadSupergraphSdl(path = defaultSupergraphPath): string {
  return readFileSync(path, 'utf8');
}

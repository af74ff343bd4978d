import { fileURLToPath } from 'node:url';

/**
 * Set by the build (tools/src/build.ts) to true: the bundle keeps the files it reads at run time
 * (migrations, supergraph, package.json) beside itself instead of in the repository's folders.
 */
declare const PLANTGRAPH_BUNDLED: boolean | undefined;

const bundled = typeof PLANTGRAPH_BUNDLED !== 'undefined' && PLANTGRAPH_BUNDLED;

/**
 * A file the processes read at run time: `repositoryPath` relative to the repository root when
 * run from source, the same path relative to the bundle's folder when built. `moduleUrl` is the
 * caller's `import.meta.url` and `depth` how many folders the caller's source sits below the root.
 */
export function runtimeFile(moduleUrl: string, depth: number, repositoryPath: string): string {
  const base = bundled ? './' : '../'.repeat(depth);
  return fileURLToPath(new URL(`${base}${repositoryPath}`, moduleUrl));
}

import type { AssetPath } from './asset-path.ts';
import { isAssetId, isWithin, subtreePattern } from './asset-path.ts';

/**
 * Site scope, the one rule: a caller limited to some sites sees the assets at those sites' paths
 * and everything below them, and whatever belongs to those assets. The sites come from a token
 * and may name anything: what is no asset id, or no known asset, grants nothing. The graph (per
 * field, batched per request) and the gateway's export (per file) both ask these functions.
 */

/** Looks up assets by id, in the order asked, null where unknown (a query or a DataLoader). */
export type AssetPathLookup = (ids: readonly string[]) => Promise<readonly (AssetPath | null)[]>;

/**
 * The paths at the root of the caller's sites; undefined when `sites` is null, i.e. the caller
 * may see every site. An empty list lets the caller see nothing.
 */
export async function siteRoots(
  sites: readonly string[] | null,
  lookUp: AssetPathLookup,
): Promise<string[] | undefined> {
  if (!sites) return undefined;
  const ids = sites.filter(isAssetId);
  if (ids.length === 0) return [];
  const found = await lookUp(ids);
  return found.flatMap((site) => (site ? [site.path] : []));
}

/** Whether an asset path lies within the sites at `roots`; undefined roots cover everything. */
export function withinSites(path: string, roots: readonly string[] | undefined): boolean {
  return !roots || roots.some((root) => isWithin(path, root));
}

/**
 * A SQL condition limiting `pathColumn` (an asset path) to the sites at `roots`, with its two
 * parameters numbered from `$at`; `true` without parameters when roots are undefined. Lists put
 * it into their statements, so that pages are full and totals count only what is in scope.
 */
export function siteScopeCondition(
  pathColumn: string,
  at: number,
  roots: readonly string[] | undefined,
): [clause: string, params: unknown[]] {
  if (!roots) return ['true', []];
  return [
    `(${pathColumn} = any($${at}::text[]) or ${pathColumn} like any($${at + 1}::text[]))`,
    [roots, roots.map(subtreePattern)],
  ];
}

import DataLoader from 'dataloader';
import { indexBy, loader, NotFoundError, parseId, type GraphContext } from '@plantgraph/graph';

/** What this subgraph needs of an asset: its id and materialised path. */
export interface AssetPath {
  id: string;
  path: string;
}

/** Escapes LIKE wildcards so a path matches literally as a prefix. */
export function subtreePattern(path: string): string {
  return `${path.replace(/[\\%_]/g, '\\$&')}/%`;
}

/** Asset paths read straight from the shared asset table; null for unknown ids. */
export const assetPathById = (context: GraphContext) =>
  new DataLoader<string, AssetPath | null>(async (ids) => {
    const rows = await context.sql.query<AssetPath>(
      'select id, path from asset where id = any($1::uuid[])',
      [ids],
    );
    return indexBy(ids, rows, (row) => row.id);
  });

/** An existing asset's id and path; NOT_FOUND naming `argument` otherwise. */
export async function requireAssetPath(
  context: GraphContext,
  id: string,
  argument: string,
): Promise<AssetPath> {
  const asset = await loader(context, assetPathById).load(parseId(id, argument, 'Asset'));
  if (!asset) throw new NotFoundError('Asset', id, argument);
  return asset;
}

/** Whether `path` is `root` itself or lies below it. */
export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

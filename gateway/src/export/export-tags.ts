import { assetPathsByIds, siteRoots, withinSites, type AssetPath } from '@plantgraph/assets-domain';
import type { Identity } from '@plantgraph/auth';
import type { Sql } from '@plantgraph/db';
import {
  BadUserInputError,
  MAX_LISTED_IDS,
  NotFoundError,
  PlantgraphError,
} from '@plantgraph/graph';
import { tagsByIds, tagsUnder, type TagOnAsset } from '@plantgraph/timeseries-domain';
import type { TagSelection } from './export-request.ts';

/** A tag as the export names it: id, name and the path of its asset. */
export type ExportTag = TagOnAsset;

type Within = (path: string) => boolean;

function outsideScope(argument: string, what: string): PlantgraphError {
  return new PlantgraphError(
    'FORBIDDEN',
    `Argument "${argument}": ${what} is outside the sites you may see`,
    { argument },
  );
}

async function listedTags(sql: Sql, ids: readonly string[], within: Within): Promise<ExportTag[]> {
  const found = await tagsByIds(sql, ids);
  return ids.map((id, index) => {
    const tag = found[index];
    if (!tag) throw new NotFoundError('Tag', id, 'tagIds');
    if (!within(tag.assetPath)) throw outsideScope('tagIds', `tag "${id}"`);
    return tag;
  });
}

async function underAsset(sql: Sql, under: string, within: Within): Promise<AssetPath> {
  const [asset] = await assetPathsByIds(sql, [under]);
  if (!asset) throw new NotFoundError('Asset', under, 'under');
  if (!within(asset.path)) throw outsideScope('under', `asset "${under}"`);
  return asset;
}

async function tagsUnderAsset(
  sql: Sql,
  under: string,
  tagName: string | null,
  within: Within,
): Promise<ExportTag[]> {
  const asset = await underAsset(sql, under, within);
  const tags = await tagsUnder(sql, { asset, tagName, limit: MAX_LISTED_IDS + 1 });
  if (tags.length > MAX_LISTED_IDS) {
    throw new BadUserInputError(
      'under',
      `more than ${MAX_LISTED_IDS} tags match; narrow it with tagName or a lower asset`,
    );
  }
  return tags.filter((tag) => within(tag.assetPath));
}

/**
 * The tags an export covers, checked against the caller's sites by the graph's rule (the assets
 * domain's site scope): a listed tag or an `under` asset outside them is FORBIDDEN naming the
 * argument, an unknown one NOT_FOUND. Listed tags keep their order; tags under an asset come by
 * asset path, then name.
 */
export async function exportTags(
  sql: Sql,
  identity: Identity,
  selection: TagSelection,
): Promise<ExportTag[]> {
  const roots = await siteRoots(identity.sites, (ids) => assetPathsByIds(sql, ids));
  const within: Within = (path) => withinSites(path, roots);
  return 'tagIds' in selection
    ? listedTags(sql, selection.tagIds, within)
    : tagsUnderAsset(sql, selection.under, selection.tagName, within);
}

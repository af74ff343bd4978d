import type { Identity } from '@plantgraph/auth';
import type { Sql } from '@plantgraph/db';
import {
  isWithin,
  MAX_LISTED_IDS,
  NotFoundError,
  BadUserInputError,
  PlantgraphError,
  subtreePattern,
} from '@plantgraph/graph';
import type { TagSelection } from './export-request.ts';

/** A tag as the export names it. */
export interface ExportTag {
  id: string;
  name: string;
  asset_path: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TAG_COLUMNS =
  'select t.id, t.name, a.path as asset_path from tag t join asset a on a.id = t.asset_id';

/** The asset paths of the caller's sites; undefined when the caller may see every site. */
async function sitePaths(sql: Sql, identity: Identity): Promise<string[] | undefined> {
  if (!identity.sites) return undefined;
  // A token may name anything as a site; what is no asset id grants nothing.
  const ids = identity.sites.filter((site) => UUID.test(site));
  if (ids.length === 0) return [];
  const rows = await sql.query<{ path: string }>(
    'select path from asset where id = any($1::uuid[])',
    [ids],
  );
  return rows.map((row) => row.path);
}

function outsideScope(argument: string, what: string): PlantgraphError {
  return new PlantgraphError(
    'FORBIDDEN',
    `Argument "${argument}": ${what} is outside the sites you may see`,
    { argument },
  );
}

async function listedTags(
  sql: Sql,
  ids: readonly string[],
  within: (path: string) => boolean,
): Promise<ExportTag[]> {
  const rows = await sql.query<ExportTag>(`${TAG_COLUMNS} where t.id = any($1::uuid[])`, [ids]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const tag = byId.get(id);
    if (!tag) throw new NotFoundError('Tag', id, 'tagIds');
    if (!within(tag.asset_path)) throw outsideScope('tagIds', `tag "${id}"`);
    return tag;
  });
}

async function tagsUnder(
  sql: Sql,
  under: string,
  tagName: string | null,
  within: (path: string) => boolean,
): Promise<ExportTag[]> {
  const [asset] = await sql.query<{ path: string }>('select path from asset where id = $1', [
    under,
  ]);
  if (!asset) throw new NotFoundError('Asset', under, 'under');
  if (!within(asset.path)) throw outsideScope('under', `asset "${under}"`);
  const rows = await sql.query<ExportTag>(
    `${TAG_COLUMNS}
      where (a.id = $1 or a.path like $2) and ($3::text is null or t.name = $3)
      order by a.path, t.name
      limit $4`,
    [under, subtreePattern(asset.path), tagName, MAX_LISTED_IDS + 1],
  );
  if (rows.length > MAX_LISTED_IDS) {
    throw new BadUserInputError(
      'under',
      `more than ${MAX_LISTED_IDS} tags match; narrow it with tagName or a lower asset`,
    );
  }
  return rows.filter((tag) => within(tag.asset_path));
}

/**
 * The tags an export covers, checked against the caller's sites as the graph checks them: a
 * listed tag or an `under` asset outside them is FORBIDDEN naming the argument, an unknown one
 * NOT_FOUND. Listed tags keep their order; tags under an asset come by asset path, then name.
 */
export async function exportTags(
  sql: Sql,
  identity: Identity,
  selection: TagSelection,
): Promise<ExportTag[]> {
  const roots = await sitePaths(sql, identity);
  const within = (path: string) => !roots || roots.some((root) => isWithin(path, root));
  return 'tagIds' in selection
    ? listedTags(sql, selection.tagIds, within)
    : tagsUnder(sql, selection.under, selection.tagName, within);
}

import type { Sql } from '@plantgraph/db';
import { lockHierarchy } from './asset-changes.ts';
import { ASSET_KINDS, type AssetKind } from './asset-hierarchy.ts';
import { slugify } from './uns-discovery.ts';

/** An asset discovery found or created. */
export interface DiscoveredAsset {
  id: string;
  path: string;
  kind: AssetKind;
}

export interface AssetPathDiscovery {
  /** Where `levels` start; null: the first level is a top-level asset. */
  root: DiscoveredAsset | null;
  /** Asset names from the root down, as a topic spells them. */
  levels: readonly string[];
  /** Creates the assets that do not exist; otherwise a missing one ends the search. */
  create: boolean;
}

// The SQL twin of `slugify`.
const NAME_SLUG = `lower(regexp_replace(name, '[[:space:]]+', '-', 'g'))`;

/**
 * The asset `levels` name below `root`. Each level is the child of the asset before it whose name
 * slugs to the level's slug (`body-shop` finds "Body Shop"); a missing one is created when
 * `create` is set, named as the level and one ISA-95 level below its parent (a top-level asset is
 * an ENTERPRISE, nothing goes below EQUIPMENT), else the answer is null.
 */
export async function discoverAssetPath(
  sql: Sql,
  { root, levels, create }: AssetPathDiscovery,
): Promise<DiscoveredAsset | null> {
  let parent = root;
  for (const level of levels) {
    const child =
      (await childBySlug(sql, parent, level)) ??
      (create ? await createChild(sql, parent, level) : null);
    if (!child) return null;
    parent = child;
  }
  return parent;
}

async function childBySlug(
  sql: Sql,
  parent: DiscoveredAsset | null,
  level: string,
): Promise<DiscoveredAsset | null> {
  const [row] = await sql.query<DiscoveredAsset>(
    `select id, path, kind::text as kind from asset
      where parent_id is not distinct from $1 and ${NAME_SLUG} = $2 and retired_at is null
      order by name limit 1`,
    [parent?.id ?? null, slugify(level)],
  );
  return row ?? null;
}

/**
 * Creates a level under the hierarchy lock the asset mutations take, reading the parent's path
 * inside it: a move committed meanwhile cannot leave the new child under the old path.
 */
async function createChild(
  sql: Sql,
  parent: DiscoveredAsset | null,
  name: string,
): Promise<DiscoveredAsset> {
  return sql.transaction(async (tx) => {
    await lockHierarchy(tx, 'exclusive');
    const [current] = parent
      ? await tx.query<{ path: string }>('select path from asset where id = $1', [parent.id])
      : [{ path: '' }];
    if (!current) throw new Error(`asset ${parent?.id} was deleted while discovering "${name}"`);
    const path = parent ? `${current.path}/${name}` : name;
    const [created] = await tx.query<DiscoveredAsset>(
      `insert into asset (parent_id, kind, name, path) values ($1, $2::asset_kind, $3, $4)
       on conflict do nothing
       returning id, path, kind::text as kind`,
      [parent?.id ?? null, kindBelow(parent), name, path],
    );
    if (created) return created;
    // Someone else created it meanwhile.
    const [existing] = await tx.query<DiscoveredAsset>(
      'select id, path, kind::text as kind from asset where path = $1',
      [path],
    );
    if (!existing) throw new Error(`creating asset "${path}" returned no row`);
    return existing;
  });
}

function kindBelow(parent: DiscoveredAsset | null): AssetKind {
  if (!parent) return 'ENTERPRISE';
  return ASSET_KINDS[ASSET_KINDS.indexOf(parent.kind) + 1] ?? 'EQUIPMENT';
}

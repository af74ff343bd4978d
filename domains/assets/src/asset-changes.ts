import type { Sql } from '@plantgraph/db';
import { AssetModelConflict, AssetModelNotFound, InvalidAssetInput } from './asset-errors.ts';
import type { AssetKind } from './asset-hierarchy.ts';
import { ancestorPaths, isWithin, subtreePattern } from './asset-path.ts';
import { placementProblem } from './asset-placement.ts';

/**
 * The asset model's writes: creating, renaming, describing, moving and retiring assets. Each runs
 * in one transaction under the hierarchy lock, so a refused change writes nothing and a move
 * rewrites the paths of its whole subtree at once.
 */

/**
 * Structural asset writes serialise on this advisory lock (any constant serves; it only has to be
 * the same in every Plantgraph process). A move rewrites the paths of a subtree while an insert
 * below it builds its path from its parent's: without the lock, a child created during a move
 * could keep the old prefix. Tag writes take it shared, so that no tag lands on an asset being
 * retired.
 */
const HIERARCHY_LOCK_KEY = 727_369_101;

/** Takes the hierarchy lock for the rest of the transaction: exclusive, or shared for tags. */
export async function lockHierarchy(tx: Sql, mode: 'exclusive' | 'shared'): Promise<void> {
  const lock = mode === 'exclusive' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
  await tx.query(`select ${lock}($1)`, [HIERARCHY_LOCK_KEY]);
}

export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 2000;

/** A name as paths and topics use it: not blank, no '/', no surrounding spaces. */
export function checkName(name: string, field: string, options: { slash: boolean }): string {
  if (name.trim() === '') return invalid(field, 'must not be empty');
  if (name !== name.trim()) return invalid(field, 'must not start or end with spaces');
  if (name.length > MAX_NAME_LENGTH) {
    return invalid(field, `must be at most ${MAX_NAME_LENGTH} characters`);
  }
  if (!options.slash && name.includes('/')) {
    return invalid(field, 'must not contain "/", which separates the names of a path');
  }
  return name;
}

export function checkDescription(description: string | null, field: string): string | null {
  if (description !== null && description.length > MAX_DESCRIPTION_LENGTH) {
    return invalid(field, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  return description;
}

function invalid(field: string, problem: string): never {
  throw new InvalidAssetInput(field, problem);
}

/** An asset as the writes see it. */
interface StoredAsset {
  id: string;
  parent_id: string | null;
  kind: AssetKind;
  name: string;
  path: string;
  retired_at: Date | null;
}

const STORED = 'id, parent_id, kind, name, path, retired_at';

async function storedAsset(tx: Sql, id: string): Promise<StoredAsset | undefined> {
  const [row] = await tx.query<StoredAsset>(`select ${STORED} from asset where id = $1`, [id]);
  return row;
}

async function requireStored(tx: Sql, id: string, field: string): Promise<StoredAsset> {
  const asset = await storedAsset(tx, id);
  if (!asset) throw new AssetModelNotFound('Asset', id, field);
  return asset;
}

function requireActiveParent(parent: StoredAsset, field: string): void {
  if (parent.retired_at) invalid(field, `"${parent.path}" is retired`);
}

/** The SITE an asset at `path` lies in (itself, if it is one); null above the sites. */
async function siteOf(tx: Sql, path: string): Promise<{ id: string; path: string } | null> {
  const [site] = await tx.query<{ id: string; path: string }>(
    `select id, path from asset where kind = 'SITE' and path = any($1::text[])
      order by length(path) desc limit 1`,
    [[...ancestorPaths(path), path]],
  );
  return site ?? null;
}

/** CONFLICT naming `field` when a sibling other than `except` already has `name`. */
async function refuseTakenName(
  tx: Sql,
  parent: StoredAsset | null,
  name: string,
  field: string,
  except: string | null = null,
): Promise<void> {
  const [sibling] = await tx.query<{ retired_at: Date | null }>(
    `select retired_at from asset
      where parent_id is not distinct from $1 and name = $2 and ($3::uuid is null or id <> $3)`,
    [parent?.id ?? null, name, except],
  );
  if (!sibling) return;
  const place = parent ? `under "${parent.path}"` : 'at the root';
  const retired = sibling.retired_at ? ' (retired; rename it to use the name again)' : '';
  throw new AssetModelConflict(
    field,
    `Argument "${field}": an asset named "${name}" already exists ${place}${retired}`,
  );
}

/** A new asset. */
export interface NewAsset {
  /** Null for a root (an ENTERPRISE). */
  parentId: string | null;
  kind: AssetKind;
  name: string;
  description: string | null;
}

/**
 * Creates an asset under `parentId` at the place its kind allows (ASSET_PLACEMENT), with the
 * parent's path and its name as path; returns its id.
 */
export async function createAsset(sql: Sql, asset: NewAsset): Promise<string> {
  const name = checkName(asset.name, 'input.name', { slash: false });
  const description = checkDescription(asset.description, 'input.description');
  return sql.transaction(async (tx) => {
    await lockHierarchy(tx, 'exclusive');
    const parent = asset.parentId
      ? await requireStored(tx, asset.parentId, 'input.parentId')
      : null;
    if (parent) requireActiveParent(parent, 'input.parentId');
    const problem = placementProblem(asset.kind, parent?.kind ?? null);
    if (problem) invalid('input.kind', problem);
    await refuseTakenName(tx, parent, name, 'input.name');
    const [row] = await tx.query<{ id: string }>(
      `insert into asset (parent_id, kind, name, path, description)
       values ($1, $2, $3, $4, $5) returning id`,
      [parent?.id ?? null, asset.kind, name, parent ? `${parent.path}/${name}` : name, description],
    );
    if (!row) throw new Error('insert into asset returned no row');
    return row.id;
  });
}

/** Changes to an asset; an absent (undefined) field keeps its value. */
export interface AssetChanges {
  name?: string | null;
  /** Null clears it. */
  description?: string | null;
  /** Another parent: the asset moves there with its whole subtree. Null: to the root. */
  parentId?: string | null;
}

/** What an update did to the asset's path. */
export interface AssetPathChange {
  from: string;
  to: string;
  /** Paths rewritten: the asset and everything below it; 0 when the path stayed. */
  rewritten: number;
}

/**
 * The parent an asset moves to, checked: it exists, does not lie in the asset's own subtree, is
 * active, takes the asset's kind, and lies in the asset's site.
 */
async function newParent(
  tx: Sql,
  asset: StoredAsset,
  parentId: string | null,
): Promise<StoredAsset | null> {
  const field = 'input.parentId';
  const parent = parentId === null ? null : await requireStored(tx, parentId, field);
  if (parent && isWithin(parent.path, asset.path)) {
    invalid(
      field,
      `"${parent.path}" lies within "${asset.path}": an asset cannot move below itself`,
    );
  }
  if (parent) requireActiveParent(parent, field);
  const problem = placementProblem(asset.kind, parent?.kind ?? null);
  if (problem) invalid(field, problem);
  await requireSameSite(tx, asset, parent);
  return parent;
}

/**
 * Moves keep an asset in its site: production orders are numbered per site and filed under the
 * site of their asset when they are created, so a subtree changing sites would leave its orders
 * filed under the site it left. A SITE itself may move to another enterprise.
 */
async function requireSameSite(
  tx: Sql,
  asset: StoredAsset,
  parent: StoredAsset | null,
): Promise<void> {
  if (asset.kind === 'ENTERPRISE' || asset.kind === 'SITE' || !parent) return;
  const [from, to] = [await siteOf(tx, asset.path), await siteOf(tx, parent.path)];
  if (from?.id === to?.id) return;
  invalid(
    'input.parentId',
    `"${parent.path}" lies outside the site "${from?.path ?? 'none'}" of "${asset.path}": ` +
      'assets move within their site, since production orders are filed per site',
  );
}

/**
 * Renames, describes or moves an asset. A new name or parent rewrites the path of the asset and
 * of everything below it in the same transaction; tags and every other reference hold the ids,
 * which stay. Retired assets may be renamed too, which frees their name.
 */
export async function updateAsset(
  sql: Sql,
  id: string,
  changes: AssetChanges,
): Promise<AssetPathChange> {
  if (changes.name === null) invalid('input.name', 'must not be null; omit it to keep the name');
  const name =
    changes.name === undefined
      ? undefined
      : checkName(changes.name, 'input.name', { slash: false });
  const description =
    changes.description === undefined
      ? undefined
      : checkDescription(changes.description, 'input.description');
  return sql.transaction(async (tx) => {
    await lockHierarchy(tx, 'exclusive');
    const asset = await requireStored(tx, id, 'id');
    const moves = changes.parentId !== undefined && changes.parentId !== asset.parent_id;
    const parent = moves
      ? await newParent(tx, asset, changes.parentId ?? null)
      : asset.parent_id
        ? await requireStored(tx, asset.parent_id, 'id')
        : null;
    const newName = name ?? asset.name;
    if (moves || newName !== asset.name) {
      await refuseTakenName(tx, parent, newName, 'input.name', asset.id);
    }
    await tx.query(
      `update asset
          set name = $2, parent_id = $3,
              description = case when $4::boolean then $5::text else description end
        where id = $1`,
      [asset.id, newName, parent?.id ?? null, description !== undefined, description ?? null],
    );
    const path = parent ? `${parent.path}/${newName}` : newName;
    return { from: asset.path, to: path, rewritten: await rewritePaths(tx, asset.path, path) };
  });
}

/** Rewrites the paths of the subtree at `from` to lie at `to`, in one statement. */
async function rewritePaths(tx: Sql, from: string, to: string): Promise<number> {
  if (from === to) return 0;
  const rows = await tx.query<{ id: string }>(
    `update asset set path = $2::text || substr(path, length($1::text) + 1)
      where path = $1::text or path like $3::text
      returning id`,
    [from, to, subtreePattern(from)],
  );
  return rows.length;
}

/**
 * Retires an asset: it leaves the lists, keeps its history (data, orders, alarms, audit) and its
 * name among its siblings. Its tags retire with it. An asset with active children is refused with
 * CONFLICT naming them: retire the subtree bottom up. Retiring a retired asset changes nothing.
 */
export async function retireAsset(sql: Sql, id: string): Promise<void> {
  await sql.transaction(async (tx) => {
    await lockHierarchy(tx, 'exclusive');
    const asset = await requireStored(tx, id, 'id');
    if (asset.retired_at) return;
    const children = await tx.query<{ name: string }>(
      `select name from asset where parent_id = $1 and retired_at is null order by name`,
      [asset.id],
    );
    if (children.length > 0) {
      const names = children.map((child) => `"${child.name}"`).join(', ');
      throw new AssetModelConflict(
        'id',
        `Asset "${asset.path}" has active children (${names}): retire them first`,
      );
    }
    // now() is the transaction's time: the asset and its tags share one retirement time.
    await tx.query('update asset set retired_at = now() where id = $1', [asset.id]);
    await tx.query('update tag set retired_at = now() where asset_id = $1 and retired_at is null', [
      asset.id,
    ]);
  });
}

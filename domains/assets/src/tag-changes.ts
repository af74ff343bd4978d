import type { Sql } from '@plantgraph/db';
import { checkDescription, checkName, lockHierarchy } from './asset-changes.ts';
import { AssetModelConflict, AssetModelNotFound, InvalidAssetInput } from './asset-errors.ts';
import type { TagDataType } from './tag-provisioning.ts';

/**
 * The tag writes of the graph: creating, editing and retiring the signals of an asset. The
 * connectors provision the tags their mappings declare themselves (tag-provisioning.ts); a mapped
 * tag is brought back in line with the mapping at the connectors' next start.
 */

/** Values of STRING and JSON tags are stored as text, those of the others as numbers. */
const storedAsText = (type: TagDataType) => type === 'STRING' || type === 'JSON';

export const MAX_UNIT_LENGTH = 50;

function checkUnit(unit: string | null, field: string): string | null {
  if (unit !== null && (unit.trim() === '' || unit.length > MAX_UNIT_LENGTH)) {
    throw new InvalidAssetInput(
      field,
      `must be 1 to ${MAX_UNIT_LENGTH} characters; null for a value without a unit`,
    );
  }
  return unit;
}

interface StoredTag {
  id: string;
  asset_id: string;
  name: string;
  data_type: TagDataType;
  retired_at: Date | null;
}

/** CONFLICT naming `field` when another tag of the asset already has `name`. */
async function refuseTakenName(
  tx: Sql,
  assetId: string,
  name: string,
  field: string,
  except: string | null = null,
): Promise<void> {
  const [clash] = await tx.query<{ path: string; retired_at: Date | null }>(
    `select a.path, t.retired_at from tag t join asset a on a.id = t.asset_id
      where t.asset_id = $1 and t.name = $2 and ($3::uuid is null or t.id <> $3)`,
    [assetId, name, except],
  );
  if (!clash) return;
  const retired = clash.retired_at ? ' (retired; rename it to use the name again)' : '';
  throw new AssetModelConflict(
    field,
    `Argument "${field}": "${clash.path}" already has a tag named "${name}"${retired}`,
  );
}

/** A new tag of an asset. */
export interface NewTag {
  assetId: string;
  name: string;
  dataType: TagDataType;
  unit: string | null;
  description: string | null;
}

/** Creates a tag on an active asset; returns its id. */
export async function createTag(sql: Sql, tag: NewTag): Promise<string> {
  const name = checkName(tag.name, 'input.name', { slash: true });
  const unit = checkUnit(tag.unit, 'input.unit');
  const description = checkDescription(tag.description, 'input.description');
  return sql.transaction(async (tx) => {
    await lockHierarchy(tx, 'shared');
    const [asset] = await tx.query<{ path: string; retired_at: Date | null }>(
      'select path, retired_at from asset where id = $1',
      [tag.assetId],
    );
    if (!asset) throw new AssetModelNotFound('Asset', tag.assetId, 'input.assetId');
    if (asset.retired_at) {
      throw new InvalidAssetInput('input.assetId', `"${asset.path}" is retired`);
    }
    await refuseTakenName(tx, tag.assetId, name, 'input.name');
    const [row] = await tx.query<{ id: string }>(
      `insert into tag (asset_id, name, data_type, unit, description)
       values ($1, $2, $3, $4, $5) returning id`,
      [tag.assetId, name, tag.dataType, unit, description],
    );
    if (!row) throw new Error('insert into tag returned no row');
    return row.id;
  });
}

/** Changes to a tag; an absent (undefined) field keeps its value, null clears unit and description. */
export interface TagChanges {
  name?: string | null;
  dataType?: TagDataType | null;
  unit?: string | null;
  description?: string | null;
}

async function requireTag(tx: Sql, id: string): Promise<StoredTag> {
  const [tag] = await tx.query<StoredTag>(
    'select id, asset_id, name, data_type, retired_at from tag where id = $1 for update',
    [id],
  );
  if (!tag) throw new AssetModelNotFound('Tag', id, 'id');
  return tag;
}

/**
 * Renames, retypes or describes a tag. The data type may change among the numeric types (FLOAT,
 * INTEGER, BOOLEAN share the stored number) and between STRING and JSON (both stored as text),
 * but not from one kind to the other: its history would read as missing.
 */
export async function updateTag(sql: Sql, id: string, changes: TagChanges): Promise<void> {
  for (const field of ['name', 'dataType'] as const) {
    if (changes[field] === null) {
      throw new InvalidAssetInput(
        `input.${field}`,
        `must not be null; omit it to keep the ${field}`,
      );
    }
  }
  const name =
    changes.name == null ? undefined : checkName(changes.name, 'input.name', { slash: true });
  const unit = changes.unit === undefined ? undefined : checkUnit(changes.unit, 'input.unit');
  const description =
    changes.description === undefined
      ? undefined
      : checkDescription(changes.description, 'input.description');
  await sql.transaction(async (tx) => {
    await lockHierarchy(tx, 'shared');
    const tag = await requireTag(tx, id);
    const dataType = changes.dataType ?? tag.data_type;
    if (storedAsText(dataType) !== storedAsText(tag.data_type)) {
      throw new InvalidAssetInput(
        'input.dataType',
        `cannot change from ${tag.data_type} to ${dataType}: STRING and JSON values are stored as text, ` +
          'the others as numbers; create a new tag instead',
      );
    }
    if (name !== undefined && name !== tag.name) {
      await refuseTakenName(tx, tag.asset_id, name, 'input.name', tag.id);
    }
    await tx.query(
      `update tag set name = $2, data_type = $3,
              unit = case when $4::boolean then $5::text else unit end,
              description = case when $6::boolean then $7::text else description end
        where id = $1`,
      [
        tag.id,
        name ?? tag.name,
        dataType,
        unit !== undefined,
        unit ?? null,
        description !== undefined,
        description ?? null,
      ],
    );
  });
}

/**
 * Retires a tag: it leaves `Asset.tags`, keeps its history and its name on the asset. Retiring a
 * retired tag changes nothing.
 */
export async function retireTag(sql: Sql, id: string): Promise<void> {
  await sql.transaction(async (tx) => {
    const tag = await requireTag(tx, id);
    if (tag.retired_at) return;
    await tx.query('update tag set retired_at = now() where id = $1', [tag.id]);
  });
}

/** The asset each tag belongs to, in the order of `ids`; null for unknown ids. */
export async function assetsOfTags(sql: Sql, ids: readonly string[]): Promise<(string | null)[]> {
  const rows = await sql.query<{ id: string; asset_id: string }>(
    'select id, asset_id from tag where id = any($1::uuid[])',
    [ids],
  );
  const owners = new Map(rows.map((row) => [row.id, row.asset_id]));
  return ids.map((id) => owners.get(id) ?? null);
}

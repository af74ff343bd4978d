import { createAsset, retireAsset, updateAsset } from '@plantgraph/assets-domain';
import { followAssetMove } from '@plantgraph/integration-domain';
import { parseId, requireInScope, type GraphContext } from '@plantgraph/graph';
import { requireRootAllowed, writeAssetModel } from './asset.errors.ts';
import type { CreateAssetInput, UpdateAssetInput } from './asset.input.ts';
import { requireAsset } from './asset.service.ts';
import type { Asset } from './asset.type.ts';

/**
 * The asset mutations' way into the asset model: ids checked, the caller's sites enforced before
 * anything is written (the asset and the parent it goes under must both lie in them), and the
 * answer read back from the table. The mutation guard authorises and audits each call.
 */

/** The parent an input names, checked for the caller's sites; null for the root. */
async function parentIn(
  context: GraphContext,
  parentId: string | null | undefined,
): Promise<string | null | undefined> {
  if (parentId === undefined) return undefined;
  if (parentId === null) {
    requireRootAllowed(context, 'input.parentId');
    return null;
  }
  const id = parseId(parentId, 'input.parentId', 'Asset');
  await requireInScope(context, id, 'input.parentId');
  return id;
}

async function assetIn(context: GraphContext, id: string): Promise<string> {
  const assetId = parseId(id, 'id', 'Asset');
  await requireInScope(context, assetId, 'id');
  return assetId;
}

export async function createAssetCommand(
  context: GraphContext,
  input: CreateAssetInput,
): Promise<Asset> {
  const parentId = (await parentIn(context, input.parentId ?? null)) ?? null;
  const id = await writeAssetModel(context, () =>
    createAsset(context.sql, {
      parentId,
      kind: input.kind,
      name: input.name,
      description: input.description ?? null,
    }),
  );
  return requireAsset(context, id);
}

export async function updateAssetCommand(
  context: GraphContext,
  id: string,
  input: UpdateAssetInput,
): Promise<Asset> {
  const assetId = await assetIn(context, id);
  const parentId = await parentIn(context, input.parentId);
  await writeAssetModel(context, () =>
    context.sql.transaction(async (tx) => {
      const moved = await updateAsset(tx, assetId, {
        name: input.name,
        description: input.description,
        parentId,
      });
      // The integration configuration names assets by path: it moves along, in the same commit.
      await followAssetMove(tx, moved, context.identity.subject);
    }),
  );
  return requireAsset(context, assetId);
}

export async function retireAssetCommand(context: GraphContext, id: string): Promise<Asset> {
  const assetId = await assetIn(context, id);
  await writeAssetModel(context, () => retireAsset(context.sql, assetId));
  return requireAsset(context, assetId);
}

import { assetsOfTags, createTag, retireTag, updateTag } from '@plantgraph/assets-domain';
import { parseId, requireInScope, requireOwnedInScope, type GraphContext } from '@plantgraph/graph';
import { writeAssetModel } from '../asset/asset.errors.ts';
import type { CreateTagInput, UpdateTagInput } from './tag.input.ts';
import { requireTag } from './tag.service.ts';
import type { Tag } from './tag.type.ts';

/**
 * The tag mutations' way into the asset model: the tag's asset must lie in the caller's sites,
 * checked before anything is written; the answer is read back from the table.
 */

async function tagIn(context: GraphContext, id: string): Promise<string> {
  const tagId = parseId(id, 'id', 'Tag');
  await requireOwnedInScope(context, assetsOfTags, tagId, 'id');
  return tagId;
}

export async function createTagCommand(context: GraphContext, input: CreateTagInput): Promise<Tag> {
  const assetId = parseId(input.assetId, 'input.assetId', 'Asset');
  await requireInScope(context, assetId, 'input.assetId');
  const id = await writeAssetModel(context, () =>
    createTag(context.sql, {
      assetId,
      name: input.name,
      dataType: input.dataType,
      unit: input.unit ?? null,
      description: input.description ?? null,
    }),
  );
  return requireTag(context, id);
}

export async function updateTagCommand(
  context: GraphContext,
  id: string,
  input: UpdateTagInput,
): Promise<Tag> {
  const tagId = await tagIn(context, id);
  await writeAssetModel(context, () =>
    updateTag(context.sql, tagId, {
      name: input.name,
      dataType: input.dataType,
      unit: input.unit,
      description: input.description,
    }),
  );
  return requireTag(context, tagId);
}

export async function retireTagCommand(context: GraphContext, id: string): Promise<Tag> {
  const tagId = await tagIn(context, id);
  await writeAssetModel(context, () => retireTag(context.sql, tagId));
  return requireTag(context, tagId);
}

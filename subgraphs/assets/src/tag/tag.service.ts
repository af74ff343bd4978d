import DataLoader from 'dataloader';
import {
  groupBy,
  indexBy,
  loader,
  NotFoundError,
  parseId,
  type GraphContext,
} from '@plantgraph/graph';
import { tagsOfAssets, tagsWithIds } from '@plantgraph/assets-domain';
import { Tag, type TagDataType } from './tag.type.ts';

export const tagById = (context: GraphContext) =>
  new DataLoader<string, Tag | null>(async (ids) => {
    const rows = await tagsWithIds<TagDataType>(context.sql, ids);
    return indexBy(ids, rows.map(Tag.fromRow), (tag) => tag.id);
  });

export const tagsByAssetId = (context: GraphContext) =>
  new DataLoader<string, Tag[]>(async (assetIds) => {
    const rows = await tagsOfAssets<TagDataType>(context.sql, assetIds);
    return groupBy(assetIds, rows.map(Tag.fromRow), (tag) => tag.assetId);
  });

export async function requireTag(context: GraphContext, id: string, argument = 'id'): Promise<Tag> {
  const tag = await loader(context, tagById).load(parseId(id, argument, 'Tag'));
  if (!tag) throw new NotFoundError('Tag', id, argument);
  return tag;
}

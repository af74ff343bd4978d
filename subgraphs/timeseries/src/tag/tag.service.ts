import DataLoader from 'dataloader';
import { tagsExist } from '@plantgraph/assets-domain';
import {
  assetIdOf,
  loader,
  NotFoundError,
  parseId,
  parseIdList,
  type GraphContext,
} from '@plantgraph/graph';
import { Tag } from './tag.type.ts';

/** Whether each tag exists, as the assets domain knows it. */
export const tagExists = (context: GraphContext) =>
  new DataLoader<string, boolean>((ids) => tagsExist(context.sql, ids));

/**
 * Checks that every listed tag exists; NOT_FOUND naming `argument` for the first unknown.
 * A failed lookup is rethrown as it is: a tag is only reported missing when the database said so.
 */
export async function requireTagIds(
  context: GraphContext,
  values: readonly string[],
  argument: string,
): Promise<string[]> {
  const ids = parseIdList(values, argument, 'Tag');
  const exists = await loader(context, tagExists).loadMany(ids);
  const failed = exists.find((found) => found instanceof Error);
  if (failed) throw failed;
  const missing = ids.find((_, index) => exists[index] !== true);
  if (missing) throw new NotFoundError('Tag', missing, argument);
  return ids;
}

/**
 * One tag by id, with the asset it belongs to: what `Query.tag` answers in this subgraph, so
 * that a query for a tag's values needs no trip to the assets subgraph first. NOT_FOUND for an
 * unknown id, as the assets subgraph answers; the field's site check sees `assetId`.
 */
export async function requireTag(context: GraphContext, id: string, argument = 'id'): Promise<Tag> {
  const tagId = parseId(id, argument, 'Tag');
  const assetId = await assetIdOf(context, 'tag', tagId);
  if (!assetId) throw new NotFoundError('Tag', id, argument);
  return Object.assign(new Tag(), { id: tagId, assetId });
}

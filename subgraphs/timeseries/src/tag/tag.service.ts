import DataLoader from 'dataloader';
import { tagsExist } from '@plantgraph/assets-domain';
import { loader, NotFoundError, parseIdList, type GraphContext } from '@plantgraph/graph';

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

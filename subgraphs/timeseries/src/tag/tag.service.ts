import DataLoader from 'dataloader';
import { indexBy, loader, NotFoundError, parseIdList, type GraphContext } from '@plantgraph/graph';

/** Whether each tag exists, read straight from the shared tag table. */
export const tagExists = (context: GraphContext) =>
  new DataLoader<string, boolean>(async (ids) => {
    const rows = await context.sql.query<{ id: string }>(
      'select id from tag where id = any($1::uuid[])',
      [ids],
    );
    return indexBy(ids, rows, (row) => row.id).map((row) => row !== null);
  });

/** Checks that every listed tag exists; NOT_FOUND naming `argument` for the first unknown. */
export async function requireTagIds(
  context: GraphContext,
  values: readonly string[],
  argument: string,
): Promise<string[]> {
  const ids = parseIdList(values, argument, 'Tag');
  const exists = await loader(context, tagExists).loadMany(ids);
  const missing = ids.find((_, index) => exists[index] !== true);
  if (missing) throw new NotFoundError('Tag', missing, argument);
  return ids;
}

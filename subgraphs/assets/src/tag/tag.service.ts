import DataLoader from 'dataloader';
import {
  groupBy,
  indexBy,
  loader,
  NotFoundError,
  parseId,
  type GraphContext,
} from '@plantgraph/graph';
import { Tag, type TagRow } from './tag.type.ts';

const columns = 'id, asset_id, name, data_type, unit, description, source';

export const tagById = (context: GraphContext) =>
  new DataLoader<string, Tag | null>(async (ids) => {
    const rows = await context.sql.query<TagRow>(
      `select ${columns} from tag where id = any($1::uuid[])`,
      [ids],
    );
    return indexBy(ids, rows.map(Tag.fromRow), (tag) => tag.id);
  });

export const tagsByAssetId = (context: GraphContext) =>
  new DataLoader<string, Tag[]>(async (assetIds) => {
    const rows = await context.sql.query<TagRow>(
      `select ${columns} from tag where asset_id = any($1::uuid[]) order by name`,
      [assetIds],
    );
    return groupBy(assetIds, rows.map(Tag.fromRow), (tag) => tag.assetId);
  });

export async function requireTag(context: GraphContext, id: string, argument = 'id'): Promise<Tag> {
  const tag = await loader(context, tagById).load(parseId(id, argument, 'Tag'));
  if (!tag) throw new NotFoundError('Tag', id, argument);
  return tag;
}

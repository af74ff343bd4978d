import DataLoader from 'dataloader';
import { checkTimeWindow, type GraphContext } from '@plantgraph/graph';
import { mappingsAt, tagLineage, type ValueKey } from '@plantgraph/integration-domain';
import { TagMappingPeriod } from './tag-mapping-period.type.ts';

/** The mapping periods of a tag that overlap [from, to), oldest first. */
export async function lineageOf(
  context: GraphContext,
  tagId: string,
  window: { from: Date; to: Date },
): Promise<TagMappingPeriod[]> {
  checkTimeWindow(window.from, window.to);
  const periods = await tagLineage(context.sql, tagId, window);
  return periods.map((period) => TagMappingPeriod.fromPeriod(period));
}

/** The mapping in force when each value was stored: a page of datapoints costs one statement. */
export const mappingAt = (context: GraphContext) =>
  new DataLoader<ValueKey, TagMappingPeriod | null, string>(
    async (keys) =>
      (await mappingsAt(context.sql, keys)).map(
        (period) => period && TagMappingPeriod.fromPeriod(period),
      ),
    { cacheKeyFn: (key) => `${key.tagId}@${key.time.toISOString()}` },
  );

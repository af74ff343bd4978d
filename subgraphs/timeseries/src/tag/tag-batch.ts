import DataLoader from 'dataloader';

/** A per-tag field's load: the tag and its checked arguments, plain data. */
export interface TagKey<Request> {
  tagId: string;
  request: Request;
}

/**
 * A DataLoader for a per-tag field with arguments (`Tag.aggregate`, `Tag.downsample`): the tags
 * asked with the same arguments share one `load` call, so a list of tags costs one statement per
 * distinct set of arguments. `load` answers in the order of `tagIds`; its failure fails only the
 * keys of its group.
 */
export function tagBatchLoader<Request, Value>(
  load: (tagIds: string[], request: Request) => Promise<(Value | Error)[]>,
): DataLoader<TagKey<Request>, Value, string> {
  return new DataLoader<TagKey<Request>, Value, string>(
    async (keys) => {
      const groups = new Map<string, { request: Request; members: [number, string][] }>();
      for (const [index, key] of keys.entries()) {
        const id = JSON.stringify(key.request);
        const group = groups.get(id) ?? { request: key.request, members: [] };
        group.members.push([index, key.tagId]);
        groups.set(id, group);
      }
      const results: (Value | Error)[] = [];
      for (const { request, members } of groups.values()) {
        const tagIds = [...new Set(members.map(([, tagId]) => tagId))];
        const values = await load(tagIds, request).catch((error: unknown) =>
          tagIds.map(() => error as Error),
        );
        for (const [index, tagId] of members) {
          const value = values[tagIds.indexOf(tagId)];
          results[index] = value === undefined ? new Error(`No result for tag ${tagId}`) : value;
        }
      }
      return results;
    },
    { cacheKeyFn: (key) => JSON.stringify([key.tagId, key.request]) },
  );
}

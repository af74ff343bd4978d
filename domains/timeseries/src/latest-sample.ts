import type { Sql } from '@plantgraph/db';
import type { Sample } from './sample.ts';

/**
 * The newest sample of each tag, in the order of `tagIds`; null before a tag's first sample. One
 * statement: the lateral `limit 1` per tag reads a single entry of the (tag_id, time desc) index
 * instead of scanning the tags' histories.
 */
export async function latestSamples(
  sql: Sql,
  tagIds: readonly string[],
): Promise<(Sample | null)[]> {
  const rows = await sql.query<Sample & { tag_id: string }>(
    `select t.id as tag_id, d.time, d.value, d.text, d.quality
       from unnest($1::uuid[]) as t(id)
      cross join lateral (
        select d.time, d.value, d.text, d.quality from datapoint d
         where d.tag_id = t.id
         order by d.time desc
         limit 1
      ) d`,
    [tagIds],
  );
  const byTag = new Map(rows.map(({ tag_id, ...sample }) => [tag_id, sample]));
  return tagIds.map((tagId) => byTag.get(tagId) ?? null);
}

import type { Sql } from '@plantgraph/db';

/** Which of the asked tag and asset ids exist. */
export interface ExistingReferences {
  tags: Set<string>;
  assets: Set<string>;
}

/**
 * Which of these tag ids and asset ids exist, in one statement. The time-series tables carry no
 * foreign keys, so ingest checks its references with this.
 */
export async function existingReferences(
  sql: Sql,
  tagIds: readonly string[],
  assetIds: readonly string[],
): Promise<ExistingReferences> {
  const rows = await sql.query<{ kind: 'tag' | 'asset'; id: string }>(
    `select 'tag' as kind, t.id::text as id from tag t where t.id = any($1::uuid[])
     union all
     select 'asset', a.id::text from asset a where a.id = any($2::uuid[])`,
    [tagIds, assetIds],
  );
  const existing: ExistingReferences = { tags: new Set(), assets: new Set() };
  for (const row of rows) (row.kind === 'tag' ? existing.tags : existing.assets).add(row.id);
  return existing;
}

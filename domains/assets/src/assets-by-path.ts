import type { Sql } from '@plantgraph/db';

/** The ids of the assets at these paths, by path; paths without an asset are left out. */
export async function assetIdsByPath(
  sql: Sql,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const rows = await sql.query<{ id: string; path: string }>(
    'select id, path from asset where path = any($1::text[])',
    [paths],
  );
  return new Map(rows.map((row) => [row.path, row.id]));
}

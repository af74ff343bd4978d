import type { Sql } from '@plantgraph/db';

/** Whether each tag exists, in the order of `ids`. */
export async function tagsExist(sql: Sql, ids: readonly string[]): Promise<boolean[]> {
  const rows = await sql.query<{ id: string }>('select id from tag where id = any($1::uuid[])', [
    ids,
  ]);
  const found = new Set(rows.map((row) => row.id));
  return ids.map((id) => found.has(id));
}

import type { Sql } from '@plantgraph/db';

/** A quality_characteristic row: a measured feature and its specification limits. */
export interface CharacteristicRow {
  id: string;
  name: string;
  unit: string | null;
  /** Lower specification limit; null: none. */
  lsl: number | null;
  target: number | null;
  /** Upper specification limit; null: none. */
  usl: number | null;
  description: string | null;
}

const COLUMNS = 'id, name, unit, lsl, target, usl, description';

/** The characteristics with these ids, in no particular order; unknown ids are left out. */
export function characteristicsByIds(
  sql: Sql,
  ids: readonly string[],
): Promise<CharacteristicRow[]> {
  return sql.query<CharacteristicRow>(
    `select ${COLUMNS} from quality_characteristic where id = any($1::uuid[])`,
    [ids],
  );
}

/** Every characteristic, by name. */
export function allCharacteristics(sql: Sql): Promise<CharacteristicRow[]> {
  return sql.query<CharacteristicRow>(
    `select ${COLUMNS} from quality_characteristic order by name`,
  );
}

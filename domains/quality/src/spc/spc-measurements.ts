import { assetIdsWithin } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import { BadUserInputError } from '@plantgraph/errors';
import {
  DEFAULT_SUBGROUP_SIZE,
  MAX_SUBGROUP_SIZE,
  MIN_SUBGROUP_SIZE,
} from './control-chart-constants.ts';

/** What one SPC figure reads: a characteristic's measurements in [from, to), maybe of one asset. */
export interface SpcKey {
  characteristicId: string;
  assetId: string | null;
  /** ISO instants; open bounds are PostgreSQL's ±infinity so the time index bounds every scan. */
  from: string;
  to: string;
  subgroupSize: number;
}

/** The subgroup size asked for, DEFAULT_SUBGROUP_SIZE when absent; BAD_USER_INPUT out of range. */
export function checkSubgroupSize(subgroupSize: number | null | undefined): number {
  if (subgroupSize === null || subgroupSize === undefined) return DEFAULT_SUBGROUP_SIZE;
  if (
    !Number.isInteger(subgroupSize) ||
    subgroupSize < MIN_SUBGROUP_SIZE ||
    subgroupSize > MAX_SUBGROUP_SIZE
  ) {
    throw new BadUserInputError(
      'subgroupSize',
      `must be between ${MIN_SUBGROUP_SIZE} and ${MAX_SUBGROUP_SIZE}, got ${subgroupSize}`,
    );
  }
  return subgroupSize;
}

/** The keys of a statement as rows `q`, `key_index` their 1-based position. */
export const keyRows = `unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::int[])
  with ordinality as q(characteristic_id, asset_id, from_time, to_time, subgroup_size, key_index)`;

/**
 * The window's measurements of key `q` on assets within the sites ($6: the paths of the caller's
 * sites, null for every site). Keys with and without an asset get statements of their own, so
 * each condition is an index range: (characteristic_id, asset_id, time) or
 * (characteristic_id, time).
 */
export const measurementsOfKey = (withAsset: boolean) => `m.characteristic_id = q.characteristic_id
  ${withAsset ? 'and m.asset_id = q.asset_id' : ''}
  and m.time >= q.from_time and m.time < q.to_time
  and ($6::text[] is null or m.asset_id in ${assetIdsWithin('$6::text[]')})`;

/**
 * Runs `statement` for every key in at most two statements (keys with an asset, keys without)
 * and returns each key's rows; `key_index` is the 1-based position in the statement's keys.
 * `sites` are the roots of the caller's sites (undefined: every site); `extraParams` follow
 * from $7.
 */
export async function rowsOfKeys<Row extends { key_index: number }>(
  sql: Sql,
  keys: readonly SpcKey[],
  sites: readonly string[] | undefined,
  statement: (withAsset: boolean) => string,
  extraParams: unknown[] = [],
): Promise<Row[][]> {
  const rowsByKey: Row[][] = keys.map(() => []);
  const positions = keys.map((key, position) => ({ key, position }));
  await Promise.all(
    [true, false].map(async (withAsset) => {
      const group = positions.filter(({ key }) => (key.assetId !== null) === withAsset);
      if (group.length === 0) return;
      const rows = await sql.query<Row>(statement(withAsset), [
        group.map(({ key }) => key.characteristicId),
        group.map(({ key }) => key.assetId),
        group.map(({ key }) => key.from),
        group.map(({ key }) => key.to),
        group.map(({ key }) => key.subgroupSize),
        sites ?? null,
        ...extraParams,
      ]);
      for (const row of rows) {
        const position = group[Number(row.key_index) - 1]?.position;
        if (position !== undefined) rowsByKey[position]?.push(row);
      }
    }),
  );
  return rowsByKey;
}

import type { Sql } from '@plantgraph/db';
import type { MachineState } from './machine-states.ts';

/** An asset's latest stored state and its reason. */
export interface LastMachineState {
  state: `${MachineState}`;
  reason: string | null;
}

/**
 * Each asset's latest stored state, by asset id, in one statement; assets without any stored
 * state are left out. Ingest compares against it to store changes only.
 */
export async function lastMachineStates(
  sql: Sql,
  assetIds: readonly string[],
): Promise<Map<string, LastMachineState>> {
  if (assetIds.length === 0) return new Map();
  const rows = await sql.query<LastMachineState & { asset_id: string }>(
    `select u.asset_id::text as asset_id, s.state::text as state, s.reason
       from unnest($1::uuid[]) as u (asset_id)
       join lateral (
         select m.state, m.reason from machine_state m
          where m.asset_id = u.asset_id order by m.time desc limit 1
       ) s on true`,
    [assetIds],
  );
  return new Map(rows.map(({ asset_id, state, reason }) => [asset_id, { state, reason }]));
}

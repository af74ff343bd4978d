import type { Sql } from '@plantgraph/db';
import { BadUserInputError } from '@plantgraph/errors';
import { rowsByOrdinal } from './batches.ts';

/** What a machine is doing, as its controller or an operator reports it. */
export enum MachineState {
  RUNNING = 'RUNNING',
  IDLE = 'IDLE',
  STOPPED = 'STOPPED',
  DOWN = 'DOWN',
  SETUP = 'SETUP',
  MAINTENANCE = 'MAINTENANCE',
  OFFLINE = 'OFFLINE',
}

/** A period during which a machine stayed in one state. */
export interface MachineStatePeriod {
  since: Date;
  /** When the next state began; null while this state is current. */
  until: Date | null;
  state: MachineState;
  reason: string | null;
}

/** Most state periods one window may hold; a larger window is rejected, not truncated. */
export const MAX_STATE_PERIODS = 5000;

/**
 * The state each asset is in now, in the order of `assetIds`: its newest machine_state row, one
 * index entry per asset; null for an asset that never reported one.
 */
export async function currentStates(
  sql: Sql,
  assetIds: readonly string[],
): Promise<(MachineStatePeriod | null)[]> {
  const rows = await sql.query<MachineStatePeriod & { asset_id: string }>(
    `select a.id as asset_id, m.time as since, null::timestamptz as until, m.state, m.reason
       from unnest($1::uuid[]) as a(id)
      cross join lateral (
        select m.time, m.state, m.reason from machine_state m
         where m.asset_id = a.id
         order by m.time desc
         limit 1
      ) m`,
    [assetIds],
  );
  const byAsset = new Map(rows.map(({ asset_id, ...period }) => [asset_id, period]));
  return assetIds.map((assetId) => byAsset.get(assetId) ?? null);
}

/** One asset's window [from, to) as ISO strings. */
export interface StateHistoryKey {
  assetId: string;
  from: string;
  to: string;
}

/**
 * Per key, three index ranges: the change in force at `from`, the changes inside the window
 * (one more than the cap, to detect overflow), and the first change at or after `to`, which
 * only supplies the last period's `until` and is dropped afterwards.
 */
const stateHistoryStatement = `
  select q.key_index, p.since, p.until, p.state, p.reason
    from unnest($1::uuid[], $2::text[]::timestamptz[], $3::text[]::timestamptz[])
         with ordinality as q(asset_id, from_time, to_time, key_index)
   cross join lateral (
     select c.time as since, lead(c.time) over (order by c.time) as until,
            c.state, c.reason, c.lookahead
       from (
         (select m.time, m.state, m.reason, false as lookahead from machine_state m
           where m.asset_id = q.asset_id and m.time <= q.from_time
           order by m.time desc limit 1)
         union all
         (select m.time, m.state, m.reason, false from machine_state m
           where m.asset_id = q.asset_id and m.time > q.from_time and m.time < q.to_time
           order by m.time limit $4)
         union all
         (select m.time, m.state, m.reason, true from machine_state m
           where m.asset_id = q.asset_id and m.time >= q.to_time
           order by m.time limit 1)
       ) c
   ) p
   where not p.lookahead
   order by q.key_index, p.since`;

/**
 * The state periods of several assets' windows in one statement, oldest first per key, the one
 * in force at `from` included. A window holding more than MAX_STATE_PERIODS gets a
 * BAD_USER_INPUT error naming `from` in its place.
 */
export async function stateHistories(
  sql: Sql,
  keys: readonly StateHistoryKey[],
): Promise<(MachineStatePeriod[] | Error)[]> {
  const rows = await sql.query<MachineStatePeriod & { key_index: number }>(stateHistoryStatement, [
    keys.map((key) => key.assetId),
    keys.map((key) => key.from),
    keys.map((key) => key.to),
    MAX_STATE_PERIODS + 1,
  ]);
  return rowsByOrdinal(keys.length, rows, (row) => Number(row.key_index)).map((group) =>
    group.length > MAX_STATE_PERIODS
      ? new BadUserInputError(
          'from',
          `the window holds more than ${MAX_STATE_PERIODS} state periods; narrow it`,
        )
      : group.map(({ since, until, state, reason }) => ({ since, until, state, reason })),
  );
}

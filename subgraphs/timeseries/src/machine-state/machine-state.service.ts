import DataLoader from 'dataloader';
import {
  BadUserInputError,
  checkTimeWindow,
  groupBy,
  indexBy,
  type GraphContext,
} from '@plantgraph/graph';
import type { StateHistoryArgs } from './machine-state.args.ts';
import { MachineStateInfo, type MachineStateRow } from './machine-state.type.ts';

/** Most state periods one `stateHistory` returns; a larger window is rejected, not truncated. */
export const MAX_STATE_PERIODS = 5000;
const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The state each asset is in now: its newest machine_state row, one index entry per asset. */
export const currentStateByAssetId = (context: GraphContext) =>
  new DataLoader<string, MachineStateInfo | null>(async (assetIds) => {
    const rows = await context.sql.query<MachineStateRow & { asset_id: string }>(
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
    return indexBy(assetIds, rows, (row) => row.asset_id).map((row) =>
      row ? MachineStateInfo.fromRow(row) : null,
    );
  });

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

/** State periods of several assets' windows in one statement; oldest first per key. */
export const stateHistoryOf = (context: GraphContext) =>
  new DataLoader<StateHistoryKey, MachineStateInfo[], string>(
    async (keys) => {
      const rows = await context.sql.query<MachineStateRow & { key_index: number }>(
        stateHistoryStatement,
        [
          keys.map((key) => key.assetId),
          keys.map((key) => key.from),
          keys.map((key) => key.to),
          MAX_STATE_PERIODS + 1,
        ],
      );
      const groups = groupBy(
        keys.map((_, index) => index + 1),
        rows,
        (row) => Number(row.key_index),
      );
      return groups.map((group) =>
        group.length > MAX_STATE_PERIODS
          ? new BadUserInputError(
              'from',
              `the window holds more than ${MAX_STATE_PERIODS} state periods; narrow it`,
            )
          : group.map(MachineStateInfo.fromRow),
      );
    },
    { cacheKeyFn: (key) => `${key.assetId}|${key.from}|${key.to}` },
  );

/** Validates the window and fills in the defaults: to = now, from = to − 24 h. */
export function stateHistoryKey(assetId: string, args: StateHistoryArgs): StateHistoryKey {
  const to = args.to ?? new Date();
  const from = args.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
  checkTimeWindow(from, to);
  return { assetId, from: from.toISOString(), to: to.toISOString() };
}

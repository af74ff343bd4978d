import DataLoader from 'dataloader';
import { checkTimeWindow, type GraphContext } from '@plantgraph/graph';
import { currentStates, stateHistories, type StateHistoryKey } from '@plantgraph/timeseries-domain';
import type { StateHistoryArgs } from './machine-state.args.ts';
import { MachineStateInfo } from './machine-state.type.ts';

export { MAX_STATE_PERIODS } from '@plantgraph/timeseries-domain';

const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The state each asset is in now; null for an asset that never reported one. */
export const currentStateByAssetId = (context: GraphContext) =>
  new DataLoader<string, MachineStateInfo | null>(async (assetIds) =>
    (await currentStates(context.sql, assetIds)).map((period) =>
      period ? MachineStateInfo.fromRow(period) : null,
    ),
  );

/** State periods of several assets' windows in one statement; oldest first per key. */
export const stateHistoryOf = (context: GraphContext) =>
  new DataLoader<StateHistoryKey, MachineStateInfo[], string>(
    async (keys) =>
      (await stateHistories(context.sql, keys)).map((periods) =>
        periods instanceof Error ? periods : periods.map(MachineStateInfo.fromRow),
      ),
    { cacheKeyFn: (key) => `${key.assetId}|${key.from}|${key.to}` },
  );

/** Validates the window and fills in the defaults: to = now, from = to − 24 h. */
export function stateHistoryKey(assetId: string, args: StateHistoryArgs): StateHistoryKey {
  const to = args.to ?? new Date();
  const from = args.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
  checkTimeWindow(from, to);
  return { assetId, from: from.toISOString(), to: to.toISOString() };
}

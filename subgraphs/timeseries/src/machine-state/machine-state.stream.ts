import {
  eventStream,
  isWithin,
  requireAssetPath,
  requireAssetPaths,
  requireEventBus,
  type GraphContext,
} from '@plantgraph/graph';
import type { MachineStateChangedArgs } from './machine-state.args.ts';
import { MachineStateChange } from './machine-state.type.ts';

/**
 * State changes from the event bus, filtered by asset ids and by subtree. Arguments are checked
 * and `under` resolved to its path once, before subscribing, so a bad argument is an error
 * result rather than a stream that never delivers.
 */
export async function machineStateChanges(
  context: GraphContext,
  args: MachineStateChangedArgs,
): Promise<AsyncIterableIterator<MachineStateChange>> {
  const bus = requireEventBus(context);
  const assetIds = args.assetIds
    ? new Set((await requireAssetPaths(context, args.assetIds, 'assetIds')).map((a) => a.id))
    : undefined;
  const under = args.under
    ? (await requireAssetPath(context, args.under, 'under')).path
    : undefined;
  return eventStream(bus, {
    context,
    routes: assetIds ? [...assetIds].map((id) => `state:${id}`) : ['state'],
    select: (event) => {
      if (event.type !== 'state') return undefined;
      if (assetIds && !assetIds.has(event.assetId.toLowerCase())) return undefined;
      if (under !== undefined && !isWithin(event.assetPath, under)) return undefined;
      return MachineStateChange.fromEvent(event);
    },
  });
}

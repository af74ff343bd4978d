import {
  eventStream,
  isWithin,
  requireAssetPath,
  requireEventBus,
  type GraphContext,
} from '@plantgraph/graph';
import { severityRank } from '@plantgraph/alarms-domain';
import type { AlarmChangedArgs } from './alarm.args.ts';
import { AlarmTransition } from './alarm.type.ts';

/**
 * Alarm transitions from the event bus, filtered by subtree and severity. `under` is resolved to
 * its path once, before subscribing, so an unknown asset is an error result, not a silent stream.
 */
export async function alarmTransitions(
  context: GraphContext,
  args: AlarmChangedArgs,
): Promise<AsyncIterableIterator<AlarmTransition>> {
  const bus = requireEventBus(context);
  const under = args.under
    ? (await requireAssetPath(context, args.under, 'under')).path
    : undefined;
  const minRank = args.minSeverity ? severityRank(args.minSeverity) : 0;
  return eventStream(bus, {
    context,
    routes: ['alarm'],
    select: (event) => {
      if (event.type !== 'alarm' || severityRank(event.severity) < minRank) return undefined;
      if (under !== undefined && !isWithin(event.assetPath, under)) return undefined;
      return AlarmTransition.fromEvent(event);
    },
  });
}

import {
  BadUserInputError,
  conflate,
  eventStream,
  requireEventBus,
  type GraphContext,
} from '@plantgraph/graph';
import { requireTagIds } from '../tag/tag.service.ts';
import type { TagValuesArgs } from './datapoint.args.ts';
import { TagValue } from './datapoint.type.ts';

/** Longest `minIntervalMs` accepted: one value per tag an hour. */
export const MAX_MIN_INTERVAL_MS = 60 * 60 * 1000;

/**
 * New samples of the listed tags from the event bus, conflated per tag: a slow client gets each
 * tag's newest value, at most one per tag every `minIntervalMs`.
 */
export async function tagValueStream(
  context: GraphContext,
  args: TagValuesArgs,
): Promise<AsyncIterableIterator<TagValue>> {
  const bus = requireEventBus(context);
  const minIntervalMs = args.minIntervalMs ?? 0;
  if (minIntervalMs < 0 || minIntervalMs > MAX_MIN_INTERVAL_MS) {
    throw new BadUserInputError('minIntervalMs', `must be 0 to ${MAX_MIN_INTERVAL_MS}`);
  }
  const tagIds = new Set(await requireTagIds(context, args.tagIds, 'tagIds'));
  return eventStream(bus, {
    context,
    routes: [...tagIds].map((id) => `tagValue:${id}`),
    select: (event) =>
      event.type === 'tagValue' && tagIds.has(event.tagId.toLowerCase())
        ? TagValue.fromEvent(event)
        : undefined,
    buffer: conflate((value: TagValue) => value.tag.id, minIntervalMs),
  });
}

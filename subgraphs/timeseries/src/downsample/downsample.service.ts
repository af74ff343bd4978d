import { BadUserInputError, checkTimeWindow, type GraphContext } from '@plantgraph/graph';
import { downsampledSamples, type DownsampleRequest } from '@plantgraph/timeseries-domain';
import { Datapoint } from '../datapoint/datapoint.type.ts';
import { tagBatchLoader } from '../tag/tag-batch.ts';
import type { DownsampleArgs } from './downsample.args.ts';

export const MIN_DOWNSAMPLE_POINTS = 3;
export const MAX_DOWNSAMPLE_POINTS = 10_000;

/** Checks downsample arguments into a request; BAD_USER_INPUT naming the argument otherwise. */
export function downsampleRequest(args: DownsampleArgs): DownsampleRequest {
  checkTimeWindow(args.from, args.to);
  const { points } = args;
  if (
    !Number.isInteger(points) ||
    points < MIN_DOWNSAMPLE_POINTS ||
    points > MAX_DOWNSAMPLE_POINTS
  ) {
    throw new BadUserInputError(
      'points',
      `must be between ${MIN_DOWNSAMPLE_POINTS} and ${MAX_DOWNSAMPLE_POINTS}, got ${points}`,
    );
  }
  return {
    from: args.from.toISOString(),
    to: args.to.toISOString(),
    points,
    method: args.method,
    includeBadQuality: args.includeBadQuality,
  };
}

/** `Tag.downsample` for many tags: one statement per distinct set of arguments. */
export const downsampleOf = (context: GraphContext) =>
  tagBatchLoader(async (tagIds, request: DownsampleRequest): Promise<(Datapoint[] | Error)[]> => {
    const samples = await downsampledSamples(context.sql, tagIds, request);
    return tagIds.map((tagId, index) => {
      const tagSamples = samples[index] ?? new Error(`No result for tag ${tagId}`);
      if (tagSamples instanceof Error) return tagSamples;
      return tagSamples.map((sample) => Datapoint.fromRow(sample, tagId));
    });
  });

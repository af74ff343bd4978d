import DataLoader from 'dataloader';
import { BadUserInputError, checkTimeWindow, type GraphContext } from '@plantgraph/graph';
import {
  checkBucketCount,
  MAX_OEE_BUCKETS,
  oeeFacts,
  parseInterval,
  requireTimeZone,
  type BucketFacts,
  type BucketInterval,
  type OeeKey,
} from '@plantgraph/timeseries-domain';
import type { OeeArgs, OeeLossesArgs } from './oee.args.ts';

export { MAX_OEE_BUCKETS };

/** Checks `Asset.oee`'s arguments: BAD_USER_INPUT naming `from`, `interval` or `timezone`. */
export function oeeKey(assetId: string, args: OeeArgs): OeeKey {
  checkTimeWindow(args.from, args.to);
  const timezone =
    args.timezone === null || args.timezone === undefined ? null : requireTimeZone(args.timezone);
  if (args.interval.trim().toLowerCase() === 'shift') {
    return { assetId, from: args.from, to: args.to, bucketing: { kind: 'shift' } };
  }
  const interval = parseOeeInterval(args.interval);
  checkBucketCount(args.from, args.to, interval, MAX_OEE_BUCKETS);
  return {
    assetId,
    from: args.from,
    to: args.to,
    bucketing: { kind: 'interval', interval, timezone },
  };
}

/** Checks `Asset.oeeLosses`'s arguments: BAD_USER_INPUT naming `from` when it lies after `to`. */
export function oeeLossesKey(assetId: string, args: OeeLossesArgs): OeeKey {
  checkTimeWindow(args.from, args.to);
  return { assetId, from: args.from, to: args.to, bucketing: { kind: 'window' } };
}

function parseOeeInterval(text: string): BucketInterval {
  try {
    return parseInterval(text);
  } catch (error) {
    if (!(error instanceof BadUserInputError)) throw error;
    throw new BadUserInputError(
      'interval',
      `"${text}" is not an interval; write "shift" or e.g. "15 minutes", "1 hour", "1 day", ` +
        '"1 week" or "1 month"',
    );
  }
}

function keyText({ assetId, from, to, bucketing }: OeeKey): string {
  const cut =
    bucketing.kind === 'interval'
      ? `${bucketing.interval.sql}|${bucketing.timezone ?? ''}`
      : bucketing.kind;
  return `${assetId}|${from.toISOString()}|${to.toISOString()}|${cut}`;
}

/** The facts behind OEE per bucket for several assets' windows; see `oeeFacts`. */
export const oeeFactsOf = (context: GraphContext) =>
  new DataLoader<OeeKey, BucketFacts[], string>((keys) => oeeFacts(context.sql, keys), {
    cacheKeyFn: keyText,
  });

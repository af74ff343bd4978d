import DataLoader from 'dataloader';
import {
  checkTimeWindow,
  loader,
  requireAssetPath,
  sitePaths,
  type GraphContext,
} from '@plantgraph/graph';
import {
  characteristicStatistics,
  checkSubgroupSize,
  controlCharts,
  measurementSummaries,
  type MeasurementSummary,
  type SpcKey,
} from '@plantgraph/quality-domain';
import type { Characteristic } from '../characteristic/characteristic.type.ts';
import type { SpcArgs } from './spc.args.ts';
import { CharacteristicStatistics, ControlChart } from './spc.type.ts';

/** Validates the arguments of an SPC field into a loader key; NOT_FOUND for an unknown asset. */
export async function spcKey(
  context: GraphContext,
  characteristicId: string,
  args: SpcArgs,
): Promise<SpcKey> {
  const subgroupSize = checkSubgroupSize(args.subgroupSize);
  const { from, to } = checkTimeWindow(args.from, args.to);
  const asset = args.assetId ? await requireAssetPath(context, args.assetId, 'assetId') : null;
  return {
    characteristicId,
    assetId: asset?.id ?? null,
    from: from?.toISOString() ?? '-infinity',
    to: to?.toISOString() ?? 'infinity',
    subgroupSize,
  };
}

const cacheKeyFn = (key: SpcKey) => JSON.stringify(key);

/** Summaries of the measurements the caller may see, batched per request. */
export const summaryByKey = (context: GraphContext) =>
  new DataLoader<SpcKey, MeasurementSummary, string>(
    async (keys) => measurementSummaries(context.sql, keys, await sitePaths(context)),
    { cacheKeyFn },
  );

/** Statistics of `characteristic` over the key's window, capability against its current limits. */
export async function statisticsOf(
  context: GraphContext,
  characteristic: Characteristic,
  key: SpcKey,
): Promise<CharacteristicStatistics> {
  const summary = await loader(context, summaryByKey).load(key);
  return Object.assign(
    new CharacteristicStatistics(),
    characteristicStatistics(characteristic, summary, key.subgroupSize),
  );
}

/** Control charts of the measurements the caller may see, batched per request. */
export const controlChartByKey = (context: GraphContext) =>
  new DataLoader<SpcKey, ControlChart, string>(
    async (keys) =>
      (await controlCharts(context.sql, keys, await sitePaths(context))).map((chart) =>
        chart instanceof Error ? chart : ControlChart.fromChart(chart),
      ),
    { cacheKeyFn },
  );

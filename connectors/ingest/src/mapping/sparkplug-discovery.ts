import { claimTagForSource, type TagDataType } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import type { SourceConfig } from '../plant-config.ts';
import type { ResolvedTagMapping } from './resolve.ts';
import type { PlantSignalMapper } from './signal-mapper.ts';
import { sourceText } from '../plant-config.ts';

/** A metric of a Sparkplug B NBIRTH or DBIRTH, as discovery needs it. */
export interface SparkplugBirthMetric {
  group: string;
  edgeNode: string;
  /** Unset for a metric of the edge node itself (NBIRTH). */
  device?: string;
  name: string;
  /** The datatype the birth declares for the metric (`Int32`, `Double`, `String`, …). */
  datatype: string;
}

const INTEGER_TYPES = ['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64'];

const TAG_DATA_TYPES = new Map<string, TagDataType>([
  ...INTEGER_TYPES.map((type): [string, TagDataType] => [type, 'INTEGER']),
  ['Float', 'FLOAT'],
  ['Double', 'FLOAT'],
  ['Boolean', 'BOOLEAN'],
  ['String', 'STRING'],
  ['Text', 'STRING'],
]);

/**
 * The tag data type for a Sparkplug B metric datatype (spec 6.4.16, Data Types); undefined for
 * the types no tag holds (DateTime, UUID, Bytes, File, DataSet, Template, property sets).
 */
export function sparkplugTagDataType(datatype: string): TagDataType | undefined {
  return TAG_DATA_TYPES.get(datatype);
}

/**
 * Sparkplug discovery for a birth metric nothing maps yet. When the connection binds the metric's
 * device (or, for a node metric, its edge node) to an asset, the asset's tag named after the
 * metric, of the type its datatype gives, reads it from now on; the mapper maps its address and
 * the new mapping is returned. The tag is created unless the asset has it already (a restart
 * finds it again). Null when nothing binds the device, the datatype has no tag type, or the
 * asset's tag of that name belongs to another source (see `claimTagForSource`).
 */
export async function discoverSparkplugTag(
  sql: Sql,
  mapper: PlantSignalMapper,
  connectionId: string,
  metric: SparkplugBirthMetric,
): Promise<ResolvedTagMapping | null> {
  const binding = mapper.sparkplugBinding(connectionId, metric);
  const dataType = sparkplugTagDataType(metric.datatype);
  if (!binding || !dataType) return null;
  const { group, edgeNode, device, name } = metric;
  const source: SourceConfig = {
    sparkplug: { group, edgeNode, ...(device === undefined ? {} : { device }), metric: name },
  };
  const tag = await claimTagForSource(sql, binding.assetId, name, sourceText(source), dataType);
  if (!tag) return null;
  const mapping: ResolvedTagMapping = {
    connection: connectionId,
    source,
    asset: binding.asset,
    tag: tag.name,
    dataType: tag.data_type,
    scale: 1,
    offset: 0,
    deadband: 0,
    assetId: binding.assetId,
    tagId: tag.id,
  };
  mapper.addTagMapping(mapping);
  return mapping;
}

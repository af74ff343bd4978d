import {
  assetByPath,
  assetBySlugPath,
  createDiscoveredTag,
  discoverAssetPath,
  slugify,
  type TagDataType,
} from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import type { MqttConnectionConfig } from '../plant-config.ts';
import type { ResolvedTagMapping } from './resolve.ts';
import type { PlantSignalMapper } from './signal-mapper.ts';
import { discoverSparkplugTag, type SparkplugBirthMetric } from './sparkplug-discovery.ts';
import { parseUmhTopic, UMH_HISTORIAN, umhSettings } from './umh-topic.ts';

/**
 * Discovery for an unmapped address of an MQTT connection; `value` is the value that came with it.
 * Makes the mapper map the exact address from now on and returns the new mapping, or null when
 * the connection does not discover or the address names no asset.
 *
 * UNS JSON with `discovery.prefix`: a topic `<prefix><asset path in slug form>/<tag>` finds the
 * asset and creates the tag (FLOAT) unless the asset has one whose name slugs to the last level.
 *
 * UMH (`format: umh`): see `discoverUmhTag`.
 *
 * Sparkplug B: only a birth metric (`birth`) is discovered, see `discoverSparkplugTag`.
 */
export async function discoverTag(
  sql: Sql,
  mapper: PlantSignalMapper,
  connectionId: string,
  topic: string,
  value?: unknown,
  birth?: SparkplugBirthMetric,
): Promise<ResolvedTagMapping | null> {
  const connection = mapper.connection(connectionId);
  if (connection?.kind !== 'mqtt') return null;
  if (connection.format === 'sparkplug') {
    return birth ? discoverSparkplugTag(sql, mapper, connectionId, birth) : null;
  }
  if (connection.format === 'umh') return discoverUmhTag(sql, mapper, connection, topic, value);
  if (!connection.discovery) return null;
  const { prefix } = connection.discovery;
  if (!topic.startsWith(prefix)) return null;
  const levels = topic.slice(prefix.length).split('/');
  const level = levels.pop();
  if (!level || levels.length === 0 || levels.includes('')) return null;
  const asset = await assetBySlugPath(sql, slugify(levels.join('/')));
  if (!asset) return null;
  const tag = await createDiscoveredTag(sql, asset.id, level, topic);
  return addMapping(mapper, connectionId, topic, asset, tag);
}

/**
 * A UMH `_historian` tag address, `<prefix>/<enterprise>/…/_historian/<group>/…/<tag>`: the
 * enterprise, site, area, line and workcell levels name the asset (the originID does not), found
 * by slug level by level from the top, or from `assetRoot` standing for the enterprise; missing
 * assets are created unless `createAssets` is off. The levels after `_historian`, joined by `_`,
 * name the tag, as UMH's historian does; a new tag's data type follows `value` (a string: STRING,
 * a boolean: BOOLEAN, else FLOAT).
 */
async function discoverUmhTag(
  sql: Sql,
  mapper: PlantSignalMapper,
  connection: MqttConnectionConfig,
  address: string,
  value: unknown,
): Promise<ResolvedTagMapping | null> {
  const settings = umhSettings(connection);
  const topic = parseUmhTopic(settings.prefix, address);
  if (!topic || 'reason' in topic) return null;
  if (topic.schema !== UMH_HISTORIAN || topic.groups.length === 0) return null;
  const root = settings.assetRoot ? await assetByPath(sql, settings.assetRoot) : undefined;
  if (settings.assetRoot && !root) {
    throw new Error(`umh.assetRoot: no asset has the path "${settings.assetRoot}"`);
  }
  const asset = await discoverAssetPath(sql, {
    root: root ? { id: root.id, path: root.path, kind: root.kind } : null,
    levels: root ? topic.hierarchy.slice(1) : topic.hierarchy,
    create: settings.createAssets,
  });
  if (!asset) return null;
  const name = topic.groups.join('_');
  const tag = await createDiscoveredTag(sql, asset.id, name, address, dataTypeOf(value));
  return addMapping(mapper, connection.id, address, asset, tag);
}

function dataTypeOf(value: unknown): TagDataType {
  if (typeof value === 'string') return 'STRING';
  return typeof value === 'boolean' ? 'BOOLEAN' : 'FLOAT';
}

function addMapping(
  mapper: PlantSignalMapper,
  connectionId: string,
  topic: string,
  asset: { id: string; path: string },
  tag: { id: string; name: string; data_type: TagDataType },
): ResolvedTagMapping {
  const mapping: ResolvedTagMapping = {
    connection: connectionId,
    source: { topic },
    asset: asset.path,
    tag: tag.name,
    dataType: tag.data_type,
    scale: 1,
    offset: 0,
    deadband: 0,
    assetId: asset.id,
    tagId: tag.id,
  };
  mapper.addTagMapping(mapping);
  return mapping;
}

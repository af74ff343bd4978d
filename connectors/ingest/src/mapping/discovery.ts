import { assetBySlugPath, createDiscoveredTag, slugify } from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import type { ResolvedTagMapping } from './resolve.ts';
import type { PlantSignalMapper } from './signal-mapper.ts';

/**
 * UNS discovery: for an unmapped `topic` of a connection with `discovery.prefix`, shaped
 * `<prefix><asset path in slug form>/<tag>`, finds the asset, creates the tag (FLOAT) unless the
 * asset has one whose name slugs to the last level, and makes the mapper map the exact topic from
 * now on. Returns the new mapping, or null when the connection has no discovery, the topic is
 * outside the prefix, or no single asset matches.
 */
export async function discoverTag(
  sql: Sql,
  mapper: PlantSignalMapper,
  connectionId: string,
  topic: string,
): Promise<ResolvedTagMapping | null> {
  const connection = mapper.connection(connectionId);
  if (connection?.kind !== 'mqtt' || !connection.discovery) return null;
  const { prefix } = connection.discovery;
  if (!topic.startsWith(prefix)) return null;
  const levels = topic.slice(prefix.length).split('/');
  const level = levels.pop();
  if (!level || levels.length === 0 || levels.includes('')) return null;
  const asset = await assetBySlugPath(sql, slugify(levels.join('/')));
  if (!asset) return null;
  const tag = await createDiscoveredTag(sql, asset.id, level, topic);
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

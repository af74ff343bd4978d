import { assetIdsByPath, upsertMappedTags } from '@plantgraph/assets-domain';
import { ConfigError } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type {
  AlarmMapping,
  ConnectionConfig,
  CounterMapping,
  EventMapping,
  MappingOrigin,
  PlantConfig,
  SparkplugDiscovery,
  StateMapping,
  TagMapping,
} from '../plant-config.ts';
import { sourceText } from '../plant-config.ts';

export type ResolvedTagMapping = TagMapping & { assetId: string; tagId: string };
export type ResolvedStateMapping = StateMapping & { assetId: string };
export type ResolvedCounterMapping = CounterMapping & { assetId: string };
export type ResolvedAlarmMapping = AlarmMapping & { assetId: string };
export type ResolvedSparkplugDiscovery = SparkplugDiscovery & { assetId: string };
/**
 * An Alarms & Conditions subscription with its asset ids: `assetIds` holds the id of every asset
 * its `assets` names, by SourceName or ConditionName.
 */
export type ResolvedEventMapping = EventMapping & {
  assetId: string;
  assetIds: Record<string, string>;
};

/** The configuration with database ids: what the signal mapper runs on. */
export interface ResolvedPlantConfig {
  connections: ConnectionConfig[];
  tags: ResolvedTagMapping[];
  states: ResolvedStateMapping[];
  counters: ResolvedCounterMapping[];
  alarms: ResolvedAlarmMapping[];
  /** Sparkplug devices whose birth metrics become tags of their asset; none when absent. */
  sparkplugDiscovery?: ResolvedSparkplugDiscovery[];
  /** OPC UA Alarms & Conditions subscriptions; none when absent. */
  events?: ResolvedEventMapping[];
}

/** A mapping made from a template instance is named by the instance (`instances[4]`). */
const placeOf = (mapping: { origin?: MappingOrigin }, group: string, index: number) =>
  mapping.origin?.path ?? `mappings.${group}[${index}]`;

async function assetIds(sql: Sql, config: PlantConfig): Promise<Map<string, string>> {
  const roots = config.connections.flatMap((connection, index) =>
    connection.kind === 'mqtt' && connection.umh?.assetRoot
      ? [{ index, path: connection.umh.assetRoot }]
      : [],
  );
  const paths = new Set([
    ...Object.values(config.mappings).flatMap((group) => group.map((m) => m.asset)),
    ...roots.map((root) => root.path),
    ...(config.sparkplugDiscovery ?? []).map((binding) => binding.asset),
    ...(config.mappings.events ?? []).flatMap((mapping) => Object.values(mapping.assets ?? {})),
  ]);
  const ids = await assetIdsByPath(sql, [...paths]);
  const problems = Object.entries(config.mappings).flatMap(([group, mappings]) =>
    mappings.flatMap((mapping, index) =>
      ids.has(mapping.asset)
        ? []
        : [`${placeOf(mapping, group, index)}.asset: no asset has the path "${mapping.asset}"`],
    ),
  );
  for (const root of roots.filter((candidate) => !ids.has(candidate.path))) {
    problems.push(`connections[${root.index}].umh.assetRoot: no asset has the path "${root.path}"`);
  }
  (config.mappings.events ?? []).forEach((mapping, index) => {
    for (const [name, path] of Object.entries(mapping.assets ?? {})) {
      if (ids.has(path)) continue;
      const place = `mappings.events[${index}].assets[${JSON.stringify(name)}]`;
      problems.push(`${place}: no asset has the path "${path}"`);
    }
  });
  for (const binding of config.sparkplugDiscovery ?? []) {
    if (!ids.has(binding.asset)) {
      problems.push(`${binding.path}.asset: no asset has the path "${binding.asset}"`);
    }
  }
  // The mappings of one template instance share its asset: one problem per instance.
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return ids;
}

const tagKey = (assetId: string, name: string) => `${assetId}\u0000${name}`;

function lookup(ids: ReadonlyMap<string, string>, key: string): string {
  const id = ids.get(key);
  if (id === undefined) throw new Error(`nothing resolved for ${key}`);
  return id;
}

/**
 * Creates the mapped tags that do not exist and brings the others in line with the file, in one
 * statement. A unit or description the file leaves out keeps what the tag has.
 */
async function upsertTags(
  sql: Sql,
  mappings: readonly TagMapping[],
  assets: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const rows = new Map<string, TagMapping>();
  for (const mapping of mappings) {
    const key = tagKey(lookup(assets, mapping.asset), mapping.tag);
    if (!rows.has(key)) rows.set(key, mapping);
  }
  const tags = await upsertMappedTags(
    sql,
    [...rows.values()].map((mapping) => ({
      assetId: lookup(assets, mapping.asset),
      name: mapping.tag,
      dataType: mapping.dataType,
      unit: mapping.unit ?? null,
      description: mapping.description ?? null,
      source: sourceText(mapping.source),
    })),
  );
  return new Map(tags.map((tag) => [tagKey(tag.asset_id, tag.name), tag.id]));
}

/**
 * Looks up the asset of every mapping and Sparkplug discovery binding and provisions the tags of
 * the tag mappings. An asset path that does not exist is a ConfigError naming the mapping
 * (`mappings.states[2].asset: ...`) or binding (`instances[3].asset: ...`); all of them are
 * reported at once, and nothing is written then.
 */
export async function resolvePlantConfig(
  sql: Sql,
  config: PlantConfig,
): Promise<ResolvedPlantConfig> {
  const assets = await assetIds(sql, config);
  const tags = await upsertTags(sql, config.mappings.tags, assets);
  const withAsset = <M extends { asset: string }>(mapping: M) => ({
    ...mapping,
    assetId: lookup(assets, mapping.asset),
  });
  return {
    connections: config.connections,
    tags: config.mappings.tags.map((mapping) => {
      const assetId = lookup(assets, mapping.asset);
      return { ...mapping, assetId, tagId: lookup(tags, tagKey(assetId, mapping.tag)) };
    }),
    states: config.mappings.states.map(withAsset),
    counters: config.mappings.counters.map(withAsset),
    alarms: config.mappings.alarms.map(withAsset),
    sparkplugDiscovery: (config.sparkplugDiscovery ?? []).map(withAsset),
    events: (config.mappings.events ?? []).map((mapping) => ({
      ...withAsset(mapping),
      assetIds: Object.fromEntries(
        Object.entries(mapping.assets ?? {}).map(([name, path]) => [name, lookup(assets, path)]),
      ),
    })),
  };
}

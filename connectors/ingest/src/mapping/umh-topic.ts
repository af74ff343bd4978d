import type { MqttConnectionConfig } from '../plant-config.ts';

/** The data contract of time-series values in United Manufacturing Hub's Unified Namespace. */
export const UMH_HISTORIAN = '_historian';

/** The default versioning prefix of UMH topics. */
export const UMH_PREFIX = 'umh/v1';

/**
 * A topic of UMH's Unified Namespace,
 * `<prefix>/<enterprise>[/<site>[/<area>[/<line>[/<workcell>[/<originID>]]]]]/<_schema>[/<group>…]`.
 */
export interface UmhTopic {
  /** The enterprise, then site, area, line and workcell as far as the topic names them. */
  hierarchy: string[];
  /** Where the data comes from (a MAC address, a host name); not part of the asset hierarchy. */
  originId: string | undefined;
  /** The data contract: the first level starting with `_` (`_historian`, `_analytics`, `_local`). */
  schema: string;
  /** The levels after the schema: tag groups, the last possibly the tag itself. */
  groups: string[];
}

/** A UMH connection's settings with their defaults. */
export interface UmhSettings {
  prefix: string;
  assetRoot: string | undefined;
  createAssets: boolean;
}

export function umhSettings(connection: MqttConnectionConfig): UmhSettings {
  return {
    prefix: (connection.umh?.prefix ?? UMH_PREFIX).replace(/\/+$/, ''),
    assetRoot: connection.umh?.assetRoot,
    createAssets: connection.umh?.createAssets ?? true,
  };
}

/** enterprise, site, area, line, workcell; an originID may follow. */
const HIERARCHY_LEVELS = 5;

/**
 * Splits a UMH topic into its levels. Null when the topic is not under `prefix`; a reason when it
 * is but breaks UMH's topic rules: no `_schema` level, nothing or more than six levels before it,
 * or an empty level.
 */
export function parseUmhTopic(prefix: string, topic: string): UmhTopic | { reason: string } | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const levels = topic.slice(prefix.length + 1).split('/');
  if (levels.includes('')) return { reason: `empty topic level in ${topic}` };
  const schemaAt = levels.findIndex((level) => level.startsWith('_'));
  const schema = levels[schemaAt];
  if (schema === undefined) {
    return { reason: `no _schema level (such as ${UMH_HISTORIAN}) in ${topic}` };
  }
  const named = levels.slice(0, schemaAt);
  if (named.length === 0) return { reason: `no enterprise level before ${schema}` };
  if (named.length > HIERARCHY_LEVELS + 1) {
    return {
      reason: `${named.length} levels before ${schema}: at most enterprise, site, area, line, workcell and originID`,
    };
  }
  return {
    hierarchy: named.slice(0, HIERARCHY_LEVELS),
    originId: named[HIERARCHY_LEVELS],
    schema,
    groups: levels.slice(schemaAt + 1),
  };
}

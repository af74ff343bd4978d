import type { Sql } from '@plantgraph/db';
import { groupBy } from '@plantgraph/db';

/**
 * Lineage: the history of the mappings that fed each tag. A mapping period opens with the version
 * that introduced the mapping and closes with the version that changed or removed it. Periods are
 * stored per mapping, never per datapoint: which mapping produced a value follows from the value's
 * tag and time.
 */

/** A tag mapping of one version, as the lineage records it. */
export interface TagMappingRecord {
  tagId: string;
  connection: string;
  /** The source as the connector reads it: node id, browse path, topic, Sparkplug path. */
  source: string;
  scale: number;
  offset: number;
  deadband: number;
  template: string | null;
  instance: string | null;
}

/** One period of a mapping: which version opened it, who applied that and when, and its end. */
export interface MappingPeriod extends TagMappingRecord {
  fromVersion: number;
  /** The version that replaced or removed the mapping; null while it is current. */
  toVersion: number | null;
  appliedBy: string;
  appliedAt: Date;
  /** When `toVersion` was applied. */
  endedAt: Date | null;
}

const FIELDS = [
  'tagId',
  'connection',
  'source',
  'scale',
  'offset',
  'deadband',
  'template',
  'instance',
];

const recordKey = (record: TagMappingRecord): string =>
  JSON.stringify(FIELDS.map((field) => record[field as keyof TagMappingRecord]));

interface PeriodRow {
  id: string;
  tag_id: string;
  connection: string;
  source: string;
  scale: number;
  offset: number;
  deadband: number;
  template: string | null;
  instance: string | null;
  from_version: number;
  to_version: number | null;
  applied_by: string;
  applied_at: Date;
  ended_at: Date | null;
}

const recordOf = (row: PeriodRow): TagMappingRecord => ({
  tagId: row.tag_id,
  connection: row.connection,
  source: row.source,
  scale: row.scale,
  offset: row.offset,
  deadband: row.deadband,
  template: row.template,
  instance: row.instance,
});

const periodOf = (row: PeriodRow): MappingPeriod => ({
  ...recordOf(row),
  fromVersion: row.from_version,
  toVersion: row.to_version,
  appliedBy: row.applied_by,
  appliedAt: row.applied_at,
  endedAt: row.ended_at,
});

const PERIOD_SELECT = `
  select l.id, l.tag_id, l.connection, l.source, l.scale, l."offset", l.deadband, l.template,
         l.instance, l.from_version, l.to_version, opened.applied_by, opened.applied_at,
         closed.applied_at as ended_at
  from tag_mapping_lineage l
  join integration_config_version opened on opened.version = l.from_version
  left join integration_config_version closed on closed.version = l.to_version`;

/**
 * Records the tag mappings of a new version, in its transaction: an open period whose mapping the
 * version no longer has is closed by it, and every mapping without an open period gets one.
 */
export async function recordMappingLineage(
  tx: Sql,
  version: number,
  mappings: readonly TagMappingRecord[],
): Promise<{ opened: number; closed: number }> {
  const open = await tx.query<PeriodRow>(
    `select id, tag_id, connection, source, scale, "offset", deadband, template, instance
     from tag_mapping_lineage where to_version is null`,
  );
  const wanted = new Map(mappings.map((mapping) => [recordKey(mapping), mapping]));
  const current = new Map(open.map((row) => [recordKey(recordOf(row)), row]));
  const closing = open.filter((row) => !wanted.has(recordKey(recordOf(row))));
  const opening = [...wanted].filter(([key]) => !current.has(key)).map(([, mapping]) => mapping);
  if (closing.length > 0) {
    await tx.query('update tag_mapping_lineage set to_version = $1 where id = any($2::bigint[])', [
      version,
      closing.map((row) => row.id),
    ]);
  }
  await tx.bulkInsert(
    'tag_mapping_lineage',
    [
      { name: 'tag_id', type: 'uuid' },
      { name: 'connection', type: 'text' },
      { name: 'source', type: 'text' },
      { name: 'scale', type: 'float8' },
      { name: '"offset"', type: 'float8' },
      { name: 'deadband', type: 'float8' },
      { name: 'template', type: 'text' },
      { name: 'instance', type: 'text' },
      { name: 'from_version', type: 'int4' },
    ],
    opening.map((m) => [
      m.tagId,
      m.connection,
      m.source,
      m.scale,
      m.offset,
      m.deadband,
      m.template,
      m.instance,
      version,
    ]),
  );
  return { opened: opening.length, closed: closing.length };
}

/** The mapping periods of a tag that overlap the window [from, to), oldest first. */
export async function tagLineage(
  sql: Sql,
  tagId: string,
  window: { from: Date; to: Date },
): Promise<MappingPeriod[]> {
  const rows = await sql.query<PeriodRow>(
    `${PERIOD_SELECT}
     where l.tag_id = $1 and opened.applied_at < $3
       and (closed.applied_at is null or closed.applied_at > $2)
     order by l.from_version, l.id`,
    [tagId, window.from, window.to],
  );
  return rows.map(periodOf);
}

/** A stored value by its tag and time. */
export interface ValueKey {
  tagId: string;
  time: Date;
}

/**
 * The mapping period in force when each value was stored, or null (a value from before the
 * first version, or stored by discovery). With several mappings feeding one tag at once the
 * newest period answers. One query for any number of values.
 */
export async function mappingsAt(
  sql: Sql,
  keys: readonly ValueKey[],
): Promise<(MappingPeriod | null)[]> {
  if (keys.length === 0) return [];
  const tagIds = [...new Set(keys.map((key) => key.tagId))];
  const rows = await sql.query<PeriodRow>(
    `${PERIOD_SELECT} where l.tag_id = any($1::uuid[]) order by l.from_version desc, l.id desc`,
    [tagIds],
  );
  const byTag = groupBy(tagIds, rows, (row) => row.tag_id);
  const periods = new Map(tagIds.map((tagId, index) => [tagId, byTag[index] ?? []]));
  return keys.map(({ tagId, time }) => {
    const row = periods
      .get(tagId)
      ?.find((r) => r.applied_at <= time && (r.ended_at === null || time < r.ended_at));
    return row ? periodOf(row) : null;
  });
}

import type { Sql } from '@plantgraph/db';
import type { PlantSignalMapper } from '@plantgraph/ingest';
import { latestSamples } from '@plantgraph/timeseries-domain';

/**
 * Where an OPC UA history backfill starts for each address: the earliest of the latest stored
 * times of the tags it feeds. Read from the datapoints themselves rather than from a watermark the
 * connector keeps: storage is what a backfill completes, so what storage holds is the only answer
 * that stays true across crashes, a spool not yet replayed, a restored backup or retention. An
 * address with a tag that has nothing stored yet is left out: its backfill reads the whole window.
 */
export async function lastStoredTimes(
  sql: Sql,
  mapper: PlantSignalMapper,
  connectionId: string,
  addresses: readonly string[],
): Promise<Map<string, Date>> {
  const tagsOf = new Map(
    addresses.map((address) => [address, mapper.tagIdsOf(connectionId, address)]),
  );
  const tagIds = [...new Set([...tagsOf.values()].flat())];
  const latest = await latestSamples(sql, tagIds);
  const latestOf = new Map(tagIds.map((tagId, index) => [tagId, latest[index]?.time]));
  const times = new Map<string, Date>();
  for (const [address, tags] of tagsOf) {
    const stored = tags.flatMap((tagId) => latestOf.get(tagId) ?? []);
    // A tag with nothing stored yet: the whole window.
    if (stored.length === 0 || stored.length < tags.length) continue;
    times.set(address, new Date(Math.min(...stored.map((time) => time.getTime()))));
  }
  return times;
}

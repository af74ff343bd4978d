import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeseriesSubgraph } from '@plantgraph/timeseries-subgraph';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { seedDemoPlant, type SeedSummary } from './seed.ts';

// Monday 2 March 2026: the small seed's four hours fall into Dresden's early shift (06:00-14:00
// CET, 05:00-13:00 UTC).
const NOW = new Date('2026-03-02T10:15:42.123Z');

let database: TestDatabase;
let client: SubgraphClient;
let summary: SeedSummary;
let line: string;

interface Bucket {
  from: string;
  to: string;
  availability: number;
  performance: number;
  quality: number;
  oee: number;
  plannedTime: number;
  runTime: number;
  totalCount: number;
  goodCount: number;
}

async function onLine<T>(field: string): Promise<T> {
  const { data, errors } = await client.execute<{ _entities: T[] }>(
    `query ($representations: [_Any!]!) { _entities(representations: $representations) {
       ... on Asset { ${field} } } }`,
    { representations: [{ __typename: 'Asset', id: line }] },
  );
  expect(errors).toBeUndefined();
  return data!._entities[0]!;
}

beforeAll(async () => {
  database = await openTestDatabase();
  summary = await seedDemoPlant(database.sql, { size: 'small', now: NOW });
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);
  const [row] = await database.sql.query<{ id: string }>(
    `select id from asset where kind = 'LINE'`,
  );
  line = row!.id;
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('OEE over the seeded demo plant', () => {
  // The history's last minute included.
  const window = () => {
    const to = new Date(summary.to.getTime() + 60_000);
    return `from: "${summary.from.toISOString()}", to: "${to.toISOString()}"`;
  };

  it('answers per shift, every factor known from the seeded calendar and cycle times', async () => {
    const { oee } = await onLine<{ oee: Bucket[] }>(
      `oee(${window()}, interval: "shift") {
         from to availability performance quality oee plannedTime runTime totalCount goodCount }`,
    );
    expect(oee).toHaveLength(1);
    const [early] = oee;
    expect(new Date(early!.from)).toEqual(summary.from);
    const [counted] = await database.sql.query<{ total: number; good: number }>(
      `select sum(increment) as total, sum(increment) filter (where kind = 'GOOD') as good
         from counter_increment where time >= $1 and time <= $2`,
      [summary.from, summary.to],
    );
    expect(early).toMatchObject({ totalCount: counted!.total, goodCount: counted!.good });
    // The machines run between orders and failures, at 80-90 % of their rated speed, and reject
    // a few per cent.
    expect(early!.availability).toBeGreaterThan(0.5);
    expect(early!.availability).toBeLessThanOrEqual(1);
    expect(early!.performance).toBeGreaterThan(0.75);
    expect(early!.performance).toBeLessThan(0.95);
    expect(early!.quality).toBeGreaterThan(0.9);
    expect(early!.quality).toBeLessThan(1);
    expect(early!.oee).toBeCloseTo(early!.availability * early!.performance * early!.quality, 12);
  });

  it('names the losses, longest first', async () => {
    const { oeeLosses } = await onLine<{ oeeLosses: { state: string; duration: number }[] }>(
      `oeeLosses(${window()}) { state duration }`,
    );
    expect(oeeLosses.length).toBeGreaterThan(0);
    const durations = oeeLosses.map((loss) => loss.duration);
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    expect(oeeLosses.map((loss) => loss.state)).not.toContain('MAINTENANCE');
  });

  it("lists the site's three shifts in its time zone", async () => {
    const { shifts } = await onLine<{ shifts: unknown[] }>('shifts { name startTime timezone }');
    expect(shifts).toEqual([
      { name: 'Early', startTime: '06:00', timezone: 'Europe/Berlin' },
      { name: 'Late', startTime: '14:00', timezone: 'Europe/Berlin' },
      { name: 'Night', startTime: '22:00', timezone: 'Europe/Berlin' },
    ]);
  });
});

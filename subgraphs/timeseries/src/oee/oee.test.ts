import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openTestDatabase,
  SubgraphClient,
  type ExecutionResult,
  type TestDatabase,
} from '@plantgraph/testing';
import { timeseriesSubgraph } from '../subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
const assets: Record<string, string> = {};
const orders: Record<string, string> = {};

const MINUTE = 60;
/** An instant on Monday 16 November 2026 in Berlin (CET, UTC+1), e.g. `monday('06:00')`. */
const monday = (time: string) => new Date(`2026-11-16T${time}:00+01:00`).toISOString();

interface Bucket {
  from: string;
  to: string;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
  plannedTime: number;
  runTime: number;
  totalCount: number;
  goodCount: number;
}

interface Loss {
  state: string;
  reason: string | null;
  duration: number;
  share: number;
  cumulativeShare: number;
}

const BUCKET_FIELDS =
  'from to availability performance quality oee plannedTime runTime totalCount goodCount';

async function execute<T>(
  document: string,
  variables?: Record<string, unknown>,
): Promise<ExecutionResult<T>> {
  return JSON.parse(JSON.stringify(await client.execute<T>(document, variables)));
}

/** Runs `field` on the Asset named `asset` through `_entities`, as the gateway would. */
async function onAsset<T>(asset: string, field: string): Promise<ExecutionResult<T>> {
  const result = await execute<{ _entities: T[] }>(
    `query ($representations: [_Any!]!) { _entities(representations: $representations) {
       ... on Asset { ${field} } } }`,
    { representations: [{ __typename: 'Asset', id: assets[asset] }] },
  );
  const entity = result.data?._entities[0];
  return {
    ...(entity ? { data: entity } : {}),
    ...(result.errors ? { errors: result.errors } : {}),
  };
}

async function oee(asset: string, args: string): Promise<Bucket[]> {
  const { data, errors } = await onAsset<{ oee: Bucket[] }>(
    asset,
    `oee(${args}) { ${BUCKET_FIELDS} }`,
  );
  expect(errors).toBeUndefined();
  return data!.oee;
}

async function insertAsset(name: string, kind: string, parent?: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into asset (parent_id, kind, name, path)
     values ($1, $2, $3, coalesce((select path || '/' from asset where id = $1), '') || $3::text)
     returning id`,
    [parent ? assets[parent] : null, kind, name],
  );
  assets[name] = row!.id;
}

async function insertShift(
  site: string,
  name: string,
  times: string,
  days: number[],
  zone: string,
) {
  const [start, end] = times.split('-');
  await database.sql.query(
    `insert into shift (site_id, name, start_time, end_time, days_of_week, timezone)
     values ($1, $2, $3, $4, $5::int[], $6)`,
    [assets[site], name, start, end, `{${days.join(',')}}`, zone],
  );
}

async function insertStates(asset: string, states: [string, string, string | null][]) {
  for (const [time, state, reason] of states) {
    await database.sql.query(
      'insert into machine_state (time, asset_id, state, reason) values ($1, $2, $3, $4)',
      [time, assets[asset], state, reason],
    );
  }
}

async function insertCounts(asset: string, counts: [string, string, number, string | null][]) {
  for (const [time, kind, increment, order] of counts) {
    await database.sql.query(
      `insert into counter_increment (time, asset_id, kind, increment, order_id)
       values ($1, $2, $3, $4, $5)`,
      [time, assets[asset], kind, increment, order ? orders[order] : null],
    );
  }
}

async function insertOrder(number: string, material: string, asset: string) {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into production_order (number, material, quantity, asset_id)
     values ($1, $2, 1000, $3) returning id`,
    [number, material, assets[asset]],
  );
  orders[number] = row!.id;
}

async function insertIdealCycleTime(asset: string, material: string | null, seconds: number) {
  await database.sql.query(
    'insert into ideal_cycle_time (asset_id, material, seconds) values ($1, $2, $3)',
    [assets[asset], material, seconds],
  );
}

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);

  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Dresden', 'SITE', 'Acme');
  await insertAsset('Body Shop', 'AREA', 'Dresden');
  await insertAsset('Line 1', 'LINE', 'Body Shop');
  await insertAsset('Press A', 'EQUIPMENT', 'Line 1');
  await insertAsset('Press B', 'EQUIPMENT', 'Line 1');
  await insertAsset('Line 2', 'LINE', 'Body Shop');
  await insertAsset('Press C', 'EQUIPMENT', 'Line 2');
  await insertAsset('Lyon', 'SITE', 'Acme');
  await insertAsset('Mill', 'EQUIPMENT', 'Lyon');
  await insertAsset('Porto', 'SITE', 'Acme');
  await insertAsset('Lathe', 'EQUIPMENT', 'Porto');

  await insertShift('Dresden', 'Early', '06:00-14:00', EVERY_DAY, 'Europe/Berlin');
  await insertShift('Dresden', 'Late', '14:00-22:00', EVERY_DAY, 'Europe/Berlin');
  await insertShift('Dresden', 'Night', '22:00-06:00', EVERY_DAY, 'Europe/Berlin');
  await insertShift('Lyon', 'Day', '08:00-16:00', [1, 2, 3, 4, 5], 'Europe/Paris');

  await insertOrder('PO-1', 'BRKT-4711 Bracket', 'Press A');
  await insertOrder('PO-2', 'PNL-2210 Door Inner Panel', 'Press A');
  await insertIdealCycleTime('Press A', null, 10);
  await insertIdealCycleTime('Press A', 'BRKT-4711 Bracket', 8);
  await insertIdealCycleTime('Press B', null, 20);

  // Press A through the early shift of Monday 16 November (06:00-14:00 local). In the shift:
  // RUNNING 60 + 105 + 60 + 20 + 55 = 300 min, DOWN 45, SETUP 40, IDLE 20 (unplanned),
  // STOPPED for a BREAK 30 and MAINTENANCE 45 (planned): 480 min in all.
  await insertStates('Press A', [
    [monday('05:30'), 'RUNNING', null],
    [monday('07:00'), 'DOWN', 'Hydraulic leak'],
    [monday('07:45'), 'RUNNING', null],
    [monday('09:30'), 'STOPPED', 'BREAK'],
    [monday('10:00'), 'RUNNING', null],
    [monday('11:00'), 'SETUP', 'CHANGEOVER'],
    [monday('11:40'), 'RUNNING', null],
    [monday('12:00'), 'MAINTENANCE', 'PREVENTIVE'],
    [monday('12:45'), 'IDLE', 'STARVED'],
    [monday('13:05'), 'RUNNING', null],
    [monday('14:30'), 'STOPPED', 'SHIFT_CHANGE'],
  ]);
  // PO-1 (8 s a part): 1300 good, 30 rejects; PO-2 (10 s, the machine's default): 350 good,
  // 10 rejects. The counts at 05:45 and 14:00 lie outside the shift.
  await insertCounts('Press A', [
    [monday('05:45'), 'GOOD', 999, 'PO-1'],
    [monday('06:30'), 'GOOD', 300, 'PO-1'],
    [monday('08:30'), 'GOOD', 600, 'PO-1'],
    [monday('08:30'), 'REJECT', 20, 'PO-1'],
    [monday('10:30'), 'GOOD', 400, 'PO-1'],
    [monday('10:30'), 'REJECT', 10, 'PO-1'],
    [monday('12:00'), 'GOOD', 100, 'PO-2'],
    [monday('13:30'), 'GOOD', 250, 'PO-2'],
    [monday('13:30'), 'REJECT', 10, 'PO-2'],
    [monday('14:00'), 'GOOD', 777, 'PO-2'],
  ]);
  // Press B: RUNNING but for 120 min DOWN; 900 good and 100 rejects without an order (20 s).
  await insertStates('Press B', [
    [monday('05:00'), 'RUNNING', null],
    [monday('10:00'), 'DOWN', 'Hydraulic leak'],
    [monday('12:00'), 'RUNNING', null],
  ]);
  await insertCounts('Press B', [
    [monday('09:00'), 'GOOD', 900, null],
    [monday('09:00'), 'REJECT', 100, null],
  ]);

  // Press C runs over both DST changes of 2026 and stands, for lack of orders, in between.
  await insertStates('Press C', [
    ['2026-03-28T00:00:00Z', 'RUNNING', null],
    ['2026-03-30T00:00:00Z', 'STOPPED', 'NO_ORDER'],
    ['2026-10-24T00:00:00Z', 'RUNNING', null],
    ['2026-10-26T00:00:00Z', 'STOPPED', 'NO_ORDER'],
  ]);

  // The mill runs all day but Lyon works 08:00-16:00 only; it counts without ideal cycle time.
  await insertStates('Mill', [['2026-11-15T00:00:00Z', 'RUNNING', null]]);
  await insertCounts('Mill', [
    ['2026-11-16T06:00:00Z', 'GOOD', 50, null],
    ['2026-11-16T09:00:00Z', 'GOOD', 100, null],
  ]);
  // Porto keeps no calendar: every hour is planned.
  await insertStates('Lathe', [
    ['2026-11-16T00:00:00Z', 'RUNNING', null],
    ['2026-11-16T18:00:00Z', 'DOWN', null],
  ]);
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('Asset.oee on one machine', () => {
  it('computes a shift by hand: planned stops out, per-material cycle times, rejects', async () => {
    const [bucket, ...more] = await oee(
      'Press A',
      `from: "${monday('06:00')}", to: "${monday('14:00')}", interval: "shift"`,
    );
    expect(more).toEqual([]);
    // Planned production time: 480 min less the BREAK (30) and MAINTENANCE (45) = 405 min.
    const planned = (480 - 30 - 45) * MINUTE;
    const run = 300 * MINUTE;
    // Ideal time: 1330 PO-1 parts at 8 s and 360 PO-2 parts at 10 s.
    const ideal = 1330 * 8 + 360 * 10;
    const good = 1300 + 350;
    const total = 1330 + 360;
    expect(bucket).toEqual({
      from: monday('06:00'),
      to: monday('14:00'),
      availability: run / planned,
      performance: ideal / run,
      quality: good / total,
      oee: expect.closeTo((run / planned) * (ideal / run) * (good / total), 12),
      plannedTime: planned,
      runTime: run,
      totalCount: total,
      goodCount: good,
    });
    expect(bucket!.availability).toBeCloseTo(0.7407, 4);
    expect(bucket!.performance).toBeCloseTo(0.7911, 4);
    expect(bucket!.quality).toBeCloseTo(0.9763, 4);
    expect(bucket!.oee).toBeCloseTo(0.5721, 4);
  });

  it('cuts a local day into its shifts, the first and last cut at the window', async () => {
    const buckets = await oee(
      'Press A',
      `from: "${monday('00:00')}", to: "2026-11-17T00:00:00+01:00", interval: "shift"`,
    );
    expect(buckets.map((bucket) => [bucket.from, bucket.to])).toEqual([
      [monday('00:00'), monday('06:00')],
      [monday('06:00'), monday('14:00')],
      [monday('14:00'), monday('22:00')],
      [monday('22:00'), '2026-11-16T23:00:00.000Z'],
    ]);
    // Before 05:30 Press A had no state: that time counts nowhere.
    expect(buckets[0]).toMatchObject({ plannedTime: 30 * MINUTE, runTime: 30 * MINUTE });
    // The late shift: RUNNING until 14:30, then STOPPED for the shift change (planned).
    expect(buckets[2]).toMatchObject({ plannedTime: 30 * MINUTE, runTime: 30 * MINUTE });
    expect(buckets[2]).toMatchObject({ totalCount: 777, quality: 1, oee: expect.any(Number) });
  });

  it('buckets by the hour: a bucket without parts after running has OEE 0', async () => {
    const buckets = await oee(
      'Press A',
      `from: "${monday('06:00')}", to: "${monday('08:00')}", interval: "1 hour"`,
    );
    expect(buckets).toEqual([
      expect.objectContaining({
        from: monday('06:00'),
        availability: 1,
        performance: (300 * 8) / 3600,
        quality: 1,
      }),
      expect.objectContaining({
        from: monday('07:00'),
        to: monday('08:00'),
        availability: 0.25,
        performance: 0,
        quality: null,
        oee: 0,
      }),
    ]);
  });

  it('plans only shift time and has no performance without an ideal cycle time', async () => {
    // Lyon's calendar is in Europe/Paris, so "1 day" starts at midnight there.
    const [day, ...more] = await oee(
      'Mill',
      'from: "2026-11-15T23:00:00Z", to: "2026-11-16T23:00:00Z", interval: "1 day"',
    );
    expect(more).toEqual([]);
    expect(day).toMatchObject({
      from: '2026-11-15T23:00:00.000Z',
      to: '2026-11-16T23:00:00.000Z',
      availability: 1,
      plannedTime: 8 * 60 * MINUTE,
      runTime: 8 * 60 * MINUTE,
      totalCount: 100,
      performance: null,
      quality: 1,
      oee: null,
    });
  });

  it('plans every hour of a site without a calendar', async () => {
    const [day] = await oee(
      'Lathe',
      'from: "2026-11-16T00:00:00Z", to: "2026-11-17T00:00:00Z", interval: "1 day"',
    );
    expect(day).toMatchObject({
      plannedTime: 24 * 60 * MINUTE,
      runTime: 18 * 60 * MINUTE,
      availability: 0.75,
    });
  });

  it('returns no buckets for an empty window', async () => {
    expect(
      await oee(
        'Press A',
        `from: "${monday('06:00')}", to: "${monday('06:00')}", interval: "shift"`,
      ),
    ).toEqual([]);
  });
});

describe('Asset.oee rolled up', () => {
  it('sums time and counts over the machines of a line before taking the ratios', async () => {
    const [line] = await oee(
      'Line 1',
      `from: "${monday('06:00')}", to: "${monday('14:00')}", interval: "shift"`,
    );
    // Press A: 405 min planned, 300 run, 1690 parts (1650 good), 14240 s ideal time.
    // Press B: 480 min planned, 360 run, 1000 parts (900 good), 1000 × 20 s ideal time.
    const planned = (405 + 480) * MINUTE;
    const run = (300 + 360) * MINUTE;
    const ideal = 14_240 + 1000 * 20;
    const good = 1650 + 900;
    const total = 1690 + 1000;
    expect(line).toMatchObject({
      availability: run / planned,
      performance: ideal / run,
      quality: good / total,
      plannedTime: planned,
      runTime: run,
      totalCount: total,
      goodCount: good,
    });
    expect(line!.oee).toBeCloseTo((run / planned) * (ideal / run) * (good / total), 12);
    // Not the mean of the machines' availabilities (300/405 and 360/480).
    expect(line!.availability).not.toBeCloseTo((300 / 405 + 360 / 480) / 2, 4);
  });

  it('rolls up the same way to the area and the site', async () => {
    const args = `from: "${monday('06:00')}", to: "${monday('14:00')}", interval: "shift"`;
    const [line] = await oee('Line 1', args);
    // Press C of line 2 stands for lack of orders in November: planned, so nothing changes.
    expect(await oee('Body Shop', args)).toEqual([line]);
    expect(await oee('Dresden', args)).toEqual([line]);
  });
});

describe('Asset.oeeLosses', () => {
  it('is a Pareto of unplanned stops by state and reason, longest first', async () => {
    const { data, errors } = await onAsset<{ oeeLosses: Loss[] }>(
      'Line 1',
      `oeeLosses(from: "${monday('06:00')}", to: "${monday('14:00')}") {
         state reason duration share cumulativeShare }`,
    );
    expect(errors).toBeUndefined();
    // DOWN for the hydraulic leak: 45 min on Press A and 120 on Press B. The BREAK and the
    // MAINTENANCE are planned and no loss.
    const total = (165 + 40 + 20) * MINUTE;
    expect(data!.oeeLosses).toEqual([
      {
        state: 'DOWN',
        reason: 'Hydraulic leak',
        duration: 165 * MINUTE,
        share: (165 * MINUTE) / total,
        cumulativeShare: (165 * MINUTE) / total,
      },
      {
        state: 'SETUP',
        reason: 'CHANGEOVER',
        duration: 40 * MINUTE,
        share: (40 * MINUTE) / total,
        cumulativeShare: expect.closeTo((205 * MINUTE) / total, 12),
      },
      {
        state: 'IDLE',
        reason: 'STARVED',
        duration: 20 * MINUTE,
        share: (20 * MINUTE) / total,
        cumulativeShare: expect.closeTo(1, 12),
      },
    ]);
  });

  it('is empty where nothing was lost', async () => {
    const { data } = await onAsset<{ oeeLosses: Loss[] }>(
      'Mill',
      'oeeLosses(from: "2026-11-16T00:00:00Z", to: "2026-11-17T00:00:00Z") { duration }',
    );
    expect(data!.oeeLosses).toEqual([]);
  });
});

describe('Asset.oee across DST changes', () => {
  it('makes the autumn night shift 9 hours and the spring one 7', async () => {
    const autumn = await oee(
      'Press C',
      'from: "2026-10-24T20:00:00Z", to: "2026-10-25T13:00:00Z", interval: "shift"',
    );
    expect(autumn.map(({ from, to, plannedTime }) => [from, to, plannedTime / 3600])).toEqual([
      // Saturday 22:00 CEST to Sunday 06:00 CET.
      ['2026-10-24T20:00:00.000Z', '2026-10-25T05:00:00.000Z', 9],
      ['2026-10-25T05:00:00.000Z', '2026-10-25T13:00:00.000Z', 8],
    ]);
    const spring = await oee(
      'Press C',
      'from: "2026-03-28T21:00:00Z", to: "2026-03-29T04:00:00Z", interval: "shift"',
    );
    // Saturday 22:00 CET to Sunday 06:00 CEST.
    expect(spring.map(({ from, to, runTime }) => [from, to, runTime / 3600])).toEqual([
      ['2026-03-28T21:00:00.000Z', '2026-03-29T04:00:00.000Z', 7],
    ]);
  });

  it('makes the autumn day 25 hours long in the site calendar zone', async () => {
    const days = await oee(
      'Press C',
      'from: "2026-10-24T22:00:00Z", to: "2026-10-26T23:00:00Z", interval: "1 day"',
    );
    expect(days.map(({ from, plannedTime }) => [from, plannedTime / 3600])).toEqual([
      ['2026-10-24T22:00:00.000Z', 25],
      // From midnight on, Press C stands for lack of orders: planned, not a loss.
      ['2026-10-25T23:00:00.000Z', 1],
    ]);
    const utc = await oee(
      'Press C',
      'from: "2026-10-25T00:00:00Z", to: "2026-10-26T00:00:00Z", interval: "1 day", timezone: "UTC"',
    );
    expect(utc.map(({ plannedTime }) => plannedTime / 3600)).toEqual([24]);
  });
});

describe('Asset.shifts', () => {
  it("lists the site's calendar for anything within it, and every site's above", async () => {
    const { data } = await onAsset<{ shifts: unknown[] }>(
      'Press A',
      'shifts { name startTime endTime daysOfWeek timezone site { id } }',
    );
    expect(data!.shifts).toEqual([
      {
        name: 'Early',
        startTime: '06:00',
        endTime: '14:00',
        daysOfWeek: EVERY_DAY,
        timezone: 'Europe/Berlin',
        site: { id: assets['Dresden'] },
      },
      expect.objectContaining({ name: 'Late', startTime: '14:00', endTime: '22:00' }),
      expect.objectContaining({ name: 'Night', startTime: '22:00', endTime: '06:00' }),
    ]);
    const acme = await onAsset<{ shifts: { name: string }[] }>('Acme', 'shifts { name }');
    expect(acme.data!.shifts.map((shift) => shift.name)).toEqual(['Early', 'Late', 'Night', 'Day']);
    const porto = await onAsset<{ shifts: unknown[] }>('Porto', 'shifts { name }');
    expect(porto.data!.shifts).toEqual([]);
  });

  it('refuses a shift on an asset that is not a site, or in an unknown time zone', async () => {
    await expect(insertShift('Line 1', 'Early', '06:00-14:00', EVERY_DAY, 'UTC')).rejects.toThrow(
      /kind SITE/,
    );
    await expect(
      insertShift('Porto', 'Early', '06:00-14:00', EVERY_DAY, 'Europe/Porto'),
    ).rejects.toThrow(/time zone/);
    await expect(insertShift('Porto', 'Early', '06:00-14:00', [0], 'UTC')).rejects.toThrow();
  });
});

describe('Asset.oee batching', () => {
  async function statementsFor(names: string[]): Promise<number> {
    const statements: string[] = [];
    const stop = database.sql.observe((statement) => statements.push(statement));
    try {
      const window = `from: "${monday('06:00')}", to: "${monday('14:00')}"`;
      const { data, errors } = await execute<{ _entities: unknown[] }>(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
           ... on Asset { oee(${window}, interval: "shift") { oee }
                          hourly: oee(${window}, interval: "1 hour") { oee }
                          oeeLosses(${window}) { duration } shifts { name } } } }`,
        { representations: names.map((name) => ({ __typename: 'Asset', id: assets[name] })) },
      );
      expect(errors).toBeUndefined();
      expect(data?._entities).toHaveLength(names.length);
    } finally {
      stop();
    }
    return statements.length;
  }

  it('answers any number of assets with the same few statements', async () => {
    const one = await statementsFor(['Press A']);
    const four = await statementsFor(['Press A', 'Press B', 'Line 1', 'Dresden']);
    expect(one).toBeLessThanOrEqual(5);
    expect(four).toBe(one);
  });
});

describe('Asset.oee validation', () => {
  const shift = `from: "${monday('06:00')}", to: "${monday('14:00')}"`;
  it.each([
    [
      'Press A',
      `oee(from: "${monday('14:00')}", to: "${monday('06:00')}", interval: "shift")`,
      'from',
    ],
    ['Press A', `oee(${shift}, interval: "fortnight")`, 'interval'],
    ['Press A', `oee(${shift}, interval: "0 hours")`, 'interval'],
    [
      'Press A',
      'oee(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z", interval: "1 minute")',
      'interval',
    ],
    [
      'Press A',
      'oee(from: "2025-01-01T00:00:00Z", to: "2026-11-01T00:00:00Z", interval: "shift")',
      'interval',
    ],
    ['Press A', `oee(${shift}, interval: "1 day", timezone: "Mars/Olympus")`, 'timezone'],
    ['Acme', `oee(${shift}, interval: "shift")`, 'interval'],
    ['Porto', `oee(${shift}, interval: "shift")`, 'interval'],
    ['Press A', `oeeLosses(from: "${monday('14:00')}", to: "${monday('06:00')}")`, 'from'],
  ])('rejects %s.%s naming %s', async (asset, field, argument) => {
    const selection = field.startsWith('oeeLosses') ? '{ duration }' : '{ oee }';
    const { errors } = await onAsset(asset, `${field} ${selection}`);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.extensions?.argument).toBe(argument);
    expect(errors?.[0]?.message).toContain(`"${argument}"`);
  });
});

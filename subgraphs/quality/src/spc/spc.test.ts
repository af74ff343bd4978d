import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@plantgraph/graph';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { qualitySubgraph } from '../subgraph.ts';
import { MAX_CONTROL_CHART_MEASUREMENTS } from '@plantgraph/quality-domain';

let database: TestDatabase;
let client: SubgraphClient;
const ids: Record<string, string> = {};
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const MINUTE = 60_000;

async function insert(key: string, statement: string, params: unknown[]): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(`${statement} returning id`, params);
  ids[key] = row!.id;
}

async function insertCharacteristic(name: string, lsl: number | null, usl: number | null) {
  await insert(name, 'insert into quality_characteristic (name, lsl, usl) values ($1, $2, $3)', [
    name,
    lsl,
    usl,
  ]);
}

/** Measurements one minute apart from `start`, judged in spec unless listed in `outOfSpec`. */
async function insertSeries(
  characteristic: string,
  asset: string,
  start: string,
  values: readonly number[],
  outOfSpec: readonly number[] = [],
): Promise<void> {
  await database.sql.query(
    `insert into measurement (characteristic_id, asset_id, time, value, in_spec)
     select $1, $2, $3::timestamptz + (v.position - 1) * interval '1 minute', v.value,
            not (v.position - 1 = any($5::int[]))
       from unnest($4::float8[]) with ordinality as v(value, position)`,
    [ids[characteristic], ids[asset], start, values, outOfSpec],
  );
}

/** d2 as printed in Montgomery, Appendix VI, typed in here independently of the service. */
const D2: Record<number, number> = { 2: 1.128, 3: 1.693, 4: 2.059, 5: 2.326 };

/**
 * The textbook formulas written out plainly: subgroups of n consecutive values (a trailing
 * remainder left out), σ within = R̄/d2, σ overall = the sample standard deviation.
 */
function referenceStatistics(values: number[], n: number, lsl: number | null, usl: number) {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  const stddev = Math.sqrt(squares / (values.length - 1));
  let ranges = 0;
  let subgroups = 0;
  for (let start = 0; start + n <= values.length; start += n) {
    const subgroup = values.slice(start, start + n);
    ranges += Math.max(...subgroup) - Math.min(...subgroup);
    subgroups++;
  }
  const withinSigma = ranges / subgroups / D2[n]!;
  const upper = (sigma: number) => (usl - mean) / (3 * sigma);
  const lower = (sigma: number) => (lsl === null ? Infinity : (mean - lsl) / (3 * sigma));
  return {
    count: values.length,
    mean,
    stddev,
    subgroupCount: subgroups,
    withinSigma,
    cp: lsl === null ? null : (usl - lsl) / (6 * withinSigma),
    cpk: Math.min(upper(withinSigma), lower(withinSigma)),
    pp: lsl === null ? null : (usl - lsl) / (6 * stddev),
    ppk: Math.min(upper(stddev), lower(stddev)),
  };
}

/** Deterministic normal values: a linear congruential generator through Box–Muller. */
function normalValues(count: number, mean: number, sigma: number): number[] {
  let state = 20261122;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 1) / 2147483649;
  };
  return Array.from({ length: count }, () => {
    const z = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    return Math.round((mean + sigma * z) * 10_000) / 10_000;
  });
}

/** Worked by hand below; subgroups of 5 and one trailing value. */
const BORE = [
  ...[10.0, 10.2, 9.9, 10.1, 10.3],
  ...[9.8, 10.0, 10.2, 9.9, 10.1],
  ...[10.1, 9.9, 10.0, 10.3, 10.2],
  ...[9.6, 10.1, 9.9, 10.0, 9.9],
  10.0,
];
const PISTON = normalValues(203, 74.002, 0.011);
const FLATNESS = [0.01, 0.02, 0.03, 0.02, 0.02, 0.04, 0.035];

/**
 * The chart data set: 20 subgroups of 2, each (m − 0.5, m + 0.5), so every range is 1 except one
 * of 4. Means alternate 10.1 / 9.9 around a centre line of exactly 10 with one high and one low
 * spike of ±2.5, which balance each other. One more value fills no subgroup.
 */
const GAP_MEANS = [
  ...[10.1, 9.9, 10.1, 9.9, 10.1, 9.9, 12.5, 9.9, 10.1, 9.9],
  ...[10.1, 9.9, 10.1, 7.5, 10.1, 9.9, 10.1, 9.9, 10.1, 9.9],
];
const WIDE_SUBGROUP = 16;

/**
 * Patterns within 3σ (σ = 0.627 around 10), each followed by its mirror image so the centre line
 * stays 10: eight in a row above, eight below (rule 4); 2σ, in, 2σ (rule 2); four of five beyond
 * 1σ (rule 3).
 */
const SHIFT_MEANS = [
  ...Array.from({ length: 8 }, () => 10.3),
  ...Array.from({ length: 8 }, () => 9.7),
  ...[11.4, 9.8, 11.4, 8.6, 10.2, 8.6],
  ...[10.8, 10.8, 10.2, 10.8, 10.8, 9.2, 9.2, 9.8, 9.2, 9.2],
];
const GAP = [
  ...GAP_MEANS.flatMap((mean, index) =>
    index === WIDE_SUBGROUP ? [mean - 2, mean + 2] : [mean - 0.5, mean + 0.5],
  ),
  10,
];

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await qualitySubgraph.buildSchema(), database.services);
  for (const name of ['Press A', 'Press B']) {
    await insert(name, `insert into asset (kind, name, path) values ('EQUIPMENT', $1, $1)`, [name]);
  }
  await insertCharacteristic('Bore', 9, 11);
  await insertCharacteristic('Piston', 73.95, 74.05);
  await insertCharacteristic('Flatness', null, 0.05);
  await insertCharacteristic('Appearance', null, null);
  await insertCharacteristic('Gap', 0, 20);
  await insertCharacteristic('Load', 0, 100);
  await insertCharacteristic('Shift', 0, 20);
  await insertSeries('Bore', 'Press A', '2026-02-01T08:00:00Z', BORE);
  // On another asset and outside the window used below: neither may count.
  await insertSeries('Bore', 'Press B', '2026-02-01T08:00:00Z', [1, 2, 3, 4, 5]);
  await insertSeries('Bore', 'Press A', '2026-02-02T08:00:00Z', [50, 60]);
  const outOfSpec = PISTON.flatMap((value, index) =>
    value < 73.95 || value > 74.05 ? [index] : [],
  );
  await insertSeries('Piston', 'Press A', '2026-02-01T00:00:00Z', PISTON, outOfSpec);
  await insertSeries('Flatness', 'Press A', '2026-02-01T08:00:00Z', FLATNESS, [6]);
  await insertSeries('Appearance', 'Press A', '2026-02-01T08:00:00Z', [1, 2, 3]);
  await insertSeries('Gap', 'Press A', '2026-02-01T08:00:00Z', GAP);
  await insertSeries('Gap', 'Press B', '2026-02-01T08:00:00Z', [50, 50, 50, 50]);
  const shift = SHIFT_MEANS.flatMap((mean) => [mean - 0.5, mean + 0.5]);
  await insertSeries('Shift', 'Press B', '2026-02-01T08:00:00Z', shift);
  await database.sql.query(
    `insert into measurement (characteristic_id, asset_id, time, value, in_spec)
     select $1, $2, '2026-03-01T00:00:00Z'::timestamptz + i * interval '1 second', i % 7, true
       from generate_series(0, $3::int) as i`,
    [ids['Load'], ids['Press A'], MAX_CONTROL_CHART_MEASUREMENTS],
  );
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

interface Statistics {
  count: number;
  mean: number | null;
  stddev: number | null;
  min: number | null;
  max: number | null;
  outOfSpecCount: number;
  subgroupSize: number;
  subgroupCount: number;
  meanRange: number | null;
  withinSigma: number | null;
  cp: number | null;
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
}

const FEBRUARY = { from: '2026-02-01T00:00:00Z', to: '2026-02-02T00:00:00Z' };

async function statistics(
  characteristic: string,
  args: Record<string, unknown> = FEBRUARY,
  caller?: Identity,
) {
  const { data, errors } = await client.execute<{ characteristic: { statistics: Statistics } }>(
    `query ($id: ID!, $from: DateTime, $to: DateTime, $assetId: ID, $subgroupSize: Int) {
       characteristic(id: $id) {
         statistics(from: $from, to: $to, assetId: $assetId, subgroupSize: $subgroupSize) {
           count mean stddev min max outOfSpecCount subgroupSize subgroupCount meanRange
           withinSigma cp cpk pp ppk } } }`,
    { id: ids[characteristic], ...args },
    caller,
  );
  expect(errors).toBeUndefined();
  return data!.characteristic.statistics;
}

describe('Characteristic.statistics', () => {
  it('matches a data set worked by hand', async () => {
    // 21 values, Σx = 210.5, Σx² = 2110.59: mean 10.0238095, Σ(x − x̄)² = 607/1050, s = 0.1700140.
    // Subgroups of 5 (the 21st left out): ranges 0.4, 0.4, 0.4, 0.5, R̄ = 0.425,
    // σ within = 0.425 / 2.326 = 0.1827171.
    // Cp = 2 / (6 · 0.1827171) = 1.8243137; Cpk = (11 − 10.0238095) / (3 · 0.1827171) = 1.7808777.
    // Pp = 2 / (6 · 0.1700140) = 1.9606228; Ppk = 0.9761905 / (3 · 0.1700140) = 1.9139413.
    const stats = await statistics('Bore', { ...FEBRUARY, assetId: ids['Press A'] });
    expect(stats).toEqual({
      count: 21,
      mean: expect.closeTo(10.0238095, 6),
      stddev: expect.closeTo(0.170014, 6),
      min: 9.6,
      max: 10.3,
      outOfSpecCount: 0,
      subgroupSize: 5,
      subgroupCount: 4,
      meanRange: expect.closeTo(0.425, 9),
      withinSigma: expect.closeTo(0.1827171, 6),
      cp: expect.closeTo(1.8243137, 6),
      cpk: expect.closeTo(1.7808777, 6),
      pp: expect.closeTo(1.9606228, 6),
      ppk: expect.closeTo(1.9139413, 6),
    });
  });

  it('agrees with the plain textbook formulas on 203 normal values, subgroups of 4', async () => {
    const stats = await statistics('Piston', { ...FEBRUARY, subgroupSize: 4 });
    const expected = referenceStatistics(PISTON, 4, 73.95, 74.05);
    expect(stats.subgroupCount).toBe(50);
    expect(stats.outOfSpecCount).toBe(PISTON.filter((v) => v < 73.95 || v > 74.05).length);
    for (const field of ['count', 'mean', 'stddev', 'withinSigma', 'cp', 'cpk', 'pp', 'ppk']) {
      const actual = stats[field as keyof Statistics] as number;
      expect(actual, field).toBeCloseTo(expected[field as keyof typeof expected] as number, 9);
    }
    expect(stats.min).toBe(Math.min(...PISTON));
    expect(stats.max).toBe(Math.max(...PISTON));
  });

  it('uses the available side of a one-sided specification', async () => {
    const stats = await statistics('Flatness', { ...FEBRUARY, subgroupSize: 3 });
    const expected = referenceStatistics(FLATNESS, 3, null, 0.05);
    expect(stats).toMatchObject({ count: 7, outOfSpecCount: 1, subgroupCount: 2 });
    expect(stats.cp).toBeNull();
    expect(stats.pp).toBeNull();
    expect(stats.cpk).toBeCloseTo(expected.cpk, 9);
    expect(stats.ppk).toBeCloseTo(expected.ppk, 9);
  });

  it('has no indices without limits, and nothing but counts without data', async () => {
    expect(await statistics('Appearance')).toMatchObject({
      count: 3,
      mean: 2,
      stddev: 1,
      cp: null,
      cpk: null,
      pp: null,
      ppk: null,
    });
    expect(await statistics('Bore', { from: '2027-01-01T00:00:00Z' })).toEqual({
      count: 0,
      mean: null,
      stddev: null,
      min: null,
      max: null,
      outOfSpecCount: 0,
      subgroupSize: 5,
      subgroupCount: 0,
      meanRange: null,
      withinSigma: null,
      cp: null,
      cpk: null,
      pp: null,
      ppk: null,
    });
  });

  it('reads only the assets a scoped caller may see', async () => {
    const pressB: Identity = { subject: 'viewer', role: 'viewer', sites: [ids['Press B']!] };
    expect((await statistics('Bore', FEBRUARY, pressB)).count).toBe(5);
    expect((await statistics('Bore', { assetId: ids['Press A'] }, pressB)).count).toBe(0);
    const { data } = await client.execute<{
      characteristic: { controlChart: { measurementCount: number } };
    }>(
      `query ($id: ID!) { characteristic(id: $id) {
         controlChart(subgroupSize: 2) { measurementCount } } }`,
      { id: ids['Gap'] },
      pressB,
    );
    expect(data?.characteristic.controlChart.measurementCount).toBe(4);
  });

  it('reads all assets without assetId and the whole history without a window', async () => {
    expect((await statistics('Bore')).count).toBe(26);
    expect((await statistics('Bore', { assetId: ids['Press B'] })).count).toBe(5);
    expect((await statistics('Bore', {})).count).toBe(28);
  });
});

interface Chart {
  subgroupSize: number;
  measurementCount: number;
  subgroups: {
    start: Date;
    end: Date;
    mean: number;
    range: number;
    violations: number[];
    rangeOutOfControl: boolean;
  }[];
  xBar: Limits | null;
  range: Limits | null;
}

interface Limits {
  centerLine: number;
  lowerControlLimit: number;
  upperControlLimit: number;
  sigma: number;
}

const chartQuery = `query ($id: ID!, $from: DateTime, $to: DateTime, $assetId: ID, $subgroupSize: Int) {
  characteristic(id: $id) {
    controlChart(from: $from, to: $to, assetId: $assetId, subgroupSize: $subgroupSize) {
      subgroupSize measurementCount
      subgroups { start end mean range violations rangeOutOfControl }
      xBar { centerLine lowerControlLimit upperControlLimit sigma }
      range { centerLine lowerControlLimit upperControlLimit sigma } } } }`;

async function controlChart(characteristic: string, args: Record<string, unknown>) {
  const { data, errors } = await client.execute<{ characteristic: { controlChart: Chart } }>(
    chartQuery,
    { id: ids[characteristic], ...args },
  );
  expect(errors).toBeUndefined();
  return data!.characteristic.controlChart;
}

describe('Characteristic.controlChart', () => {
  it('builds X-bar/R subgroups in time order with limits from A2, D3 and D4', async () => {
    const chart = await controlChart('Gap', { assetId: ids['Press A'], subgroupSize: 2 });
    expect(chart.subgroupSize).toBe(2);
    expect(chart.measurementCount).toBe(41);
    expect(chart.subgroups).toHaveLength(20);
    const start = Date.parse('2026-02-01T08:00:00Z');
    expect(chart.subgroups[0]).toMatchObject({
      start: new Date(start),
      end: new Date(start + MINUTE),
      mean: expect.closeTo(10.1, 9),
      range: expect.closeTo(1, 9),
    });
    expect(chart.subgroups[19]?.start).toEqual(new Date(start + 38 * MINUTE));
    expect(chart.subgroups.map((subgroup) => subgroup.mean)).toEqual(
      GAP_MEANS.map((mean) => expect.closeTo(mean, 9)),
    );
    // R̄ = (19 · 1 + 4) / 20 = 1.15; X̿ = 10; n = 2: A2 = 1.880, D3 = 0, D4 = 3.267.
    expect(chart.xBar).toEqual({
      centerLine: expect.closeTo(10, 9),
      lowerControlLimit: expect.closeTo(10 - 1.88 * 1.15, 9),
      upperControlLimit: expect.closeTo(10 + 1.88 * 1.15, 9),
      sigma: expect.closeTo((1.88 * 1.15) / 3, 9),
    });
    expect(chart.range).toEqual({
      centerLine: expect.closeTo(1.15, 9),
      lowerControlLimit: 0,
      upperControlLimit: expect.closeTo(3.267 * 1.15, 9),
      sigma: expect.closeTo((2.267 * 1.15) / 3, 9),
    });
  });

  it('flags the spikes beyond 3 sigma and the wide range, nothing else', async () => {
    const chart = await controlChart('Gap', { assetId: ids['Press A'], subgroupSize: 2 });
    const flagged = chart.subgroups.flatMap((subgroup, index) =>
      subgroup.violations.length > 0 ? [[index, subgroup.violations]] : [],
    );
    expect(flagged).toEqual([
      [6, [1]],
      [13, [1]],
    ]);
    expect(
      chart.subgroups.flatMap((subgroup, index) => (subgroup.rangeOutOfControl ? [index] : [])),
    ).toEqual([WIDE_SUBGROUP]);
  });

  it('flags rules 2, 3 and 4 on patterns that stay within 3 sigma', async () => {
    // Ranges 1, so R̄ = 1 and σ = 1.880 / 3 = 0.627; the means balance to CL = 10.
    const chart = await controlChart('Shift', { subgroupSize: 2 });
    expect(chart.xBar?.centerLine).toBeCloseTo(10, 9);
    expect(chart.xBar?.sigma).toBeCloseTo(1.88 / 3, 9);
    const flagged = chart.subgroups.flatMap((subgroup, index) =>
      subgroup.violations.length > 0 ? [[index, subgroup.violations]] : [],
    );
    expect(flagged).toEqual([
      [7, [4]],
      [15, [4]],
      [18, [2]],
      [21, [2]],
      [26, [3]],
      [31, [3]],
    ]);
  });

  it('reads every asset without assetId and is empty without a complete subgroup', async () => {
    const all = await controlChart('Gap', { subgroupSize: 2 });
    expect(all.measurementCount).toBe(45);
    expect(all.subgroups).toHaveLength(22);
    const empty = await controlChart('Bore', { assetId: ids['Press B'], subgroupSize: 6 });
    expect(empty).toEqual({
      subgroupSize: 6,
      measurementCount: 5,
      subgroups: [],
      xBar: null,
      range: null,
    });
  });

  it(`reads at most ${MAX_CONTROL_CHART_MEASUREMENTS} measurements`, async () => {
    const { errors } = await client.execute(chartQuery, { id: ids['Load'] });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.extensions?.argument).toBe('from');
    const to = new Date(Date.parse('2026-03-01T00:00:00Z') + MAX_CONTROL_CHART_MEASUREMENTS * 1000);
    // Few fields per subgroup: every field of 20,000 points passes the graph's middlewares.
    const { data, errors: none } = await client.execute<{
      characteristic: { controlChart: { measurementCount: number; subgroups: unknown[] } };
    }>(
      `query ($id: ID!, $to: DateTime) { characteristic(id: $id) {
         controlChart(to: $to) { measurementCount subgroups { mean } } } }`,
      { id: ids['Load'], to: to.toISOString() },
    );
    expect(none).toBeUndefined();
    expect(data?.characteristic.controlChart.measurementCount).toBe(MAX_CONTROL_CHART_MEASUREMENTS);
    expect(data?.characteristic.controlChart.subgroups).toHaveLength(
      MAX_CONTROL_CHART_MEASUREMENTS / 5,
    );
    expect((await statistics('Load', {})).count).toBe(MAX_CONTROL_CHART_MEASUREMENTS + 1);
  });
});

describe('SPC arguments', () => {
  it.each([
    ['statistics', { subgroupSize: 1 }, 'BAD_USER_INPUT', 'subgroupSize'],
    ['statistics', { subgroupSize: 26 }, 'BAD_USER_INPUT', 'subgroupSize'],
    ['controlChart', { subgroupSize: 0 }, 'BAD_USER_INPUT', 'subgroupSize'],
    ['controlChart', { subgroupSize: 100 }, 'BAD_USER_INPUT', 'subgroupSize'],
    [
      'statistics',
      { from: '2026-02-02T00:00:00Z', to: '2026-02-01T00:00:00Z' },
      'BAD_USER_INPUT',
      'from',
    ],
    [
      'controlChart',
      { from: '2026-02-02T00:00:00Z', to: '2026-02-01T00:00:00Z' },
      'BAD_USER_INPUT',
      'from',
    ],
    ['statistics', { assetId: UNKNOWN }, 'NOT_FOUND', 'assetId'],
    ['controlChart', { assetId: 'press' }, 'BAD_USER_INPUT', 'assetId'],
    ['statistics', { id: UNKNOWN }, 'NOT_FOUND', 'id'],
  ])('%s(%o) is %s naming %s', async (field, args, code, argument) => {
    const { errors } = await client.execute(
      `query ($id: ID!, $from: DateTime, $to: DateTime, $assetId: ID, $subgroupSize: Int) {
         characteristic(id: $id) {
           ${field}(from: $from, to: $to, assetId: $assetId, subgroupSize: $subgroupSize) {
             subgroupSize } } }`,
      { id: ids['Bore'], ...args },
    );
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.extensions?.argument).toBe(argument);
    expect(errors?.[0]?.message).toContain(`"${argument}"`);
  });

  it('batches: statistics and charts of every characteristic cost one statement each', async () => {
    const statements: string[] = [];
    const stop = database.sql.observe((statement) => statements.push(statement));
    try {
      const { data, errors } = await client.execute<{
        characteristics: { name: string; statistics: { count: number } }[];
      }>(
        `{ characteristics {
             name
             statistics(from: "2026-02-01T00:00:00Z", to: "2026-02-02T00:00:00Z") { count }
             controlChart(from: "2026-02-01T00:00:00Z", to: "2026-02-02T00:00:00Z") {
               measurementCount } } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.characteristics.map((c) => [c.name, c.statistics.count])).toEqual([
        ['Appearance', 3],
        ['Bore', 26],
        ['Flatness', 7],
        ['Gap', 45],
        ['Load', 0],
        ['Piston', 203],
        ['Shift', 64],
      ]);
    } finally {
      stop();
    }
    expect(statements).toHaveLength(3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openTestDatabase,
  SubgraphClient,
  type ExecutionResult,
  type TestDatabase,
} from '@plantgraph/testing';
import type { Identity } from '@plantgraph/graph';
import { alarmsSubgraph } from '../subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
const assets: Record<string, string> = {};
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const FROM = '2026-11-10T00:00:00.000Z';
const TO = '2026-11-10T02:00:00.000Z';
const SECOND = 1000;
const at = (time: string, plusSeconds = 0) =>
  new Date(Date.parse(`2026-11-${time}Z`) + plusSeconds * SECOND).toISOString();

/** Runs an operation and returns what a client receives over the wire (dates as strings). */
async function execute<T = Record<string, unknown>>(
  document: string,
  variables?: Record<string, unknown>,
  caller?: Identity,
): Promise<ExecutionResult<T>> {
  return JSON.parse(JSON.stringify(await client.execute<T>(document, variables, caller)));
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

interface AlarmFixture {
  asset: string;
  code: string;
  raisedAt: string;
  clearedAt?: string | null;
  acknowledgedAt?: string | null;
}

async function insertAlarms(fixtures: AlarmFixture[]): Promise<void> {
  for (const alarm of fixtures) {
    await database.sql.query(
      `insert into alarm_event (asset_id, code, message, severity, raised_at, cleared_at,
         acknowledged_at, acknowledged_by)
       values ($1, $2, $2, 'HIGH', $3, $4, $5, case when $5::timestamptz is null then null
         else 'operator' end)`,
      [
        assets[alarm.asset],
        alarm.code,
        alarm.raisedAt,
        alarm.clearedAt ?? null,
        alarm.acknowledgedAt ?? null,
      ],
    );
  }
}

/** `count` alarms of distinct codes `prefix-01…`, `spacing` seconds apart from `start`. */
function burst(
  asset: string,
  prefix: string,
  start: string,
  count: number,
  spacing: number,
  clearAfter: number | null,
  acknowledgeAfter: number | null,
): AlarmFixture[] {
  return Array.from({ length: count }, (_, index) => {
    const raisedAt = at(start, index * spacing);
    const after = (seconds: number | null) =>
      seconds === null ? null : new Date(Date.parse(raisedAt) + seconds * SECOND).toISOString();
    return {
      asset,
      code: `${prefix}-${String(index + 1).padStart(2, '0')}`,
      raisedAt,
      clearedAt: after(clearAfter),
      acknowledgedAt: after(acknowledgeAfter),
    };
  });
}

/** Raises of one code at the given instants, each cleared `clearAfter` seconds later. */
function repeats(asset: string, code: string, times: string[], clearAfter: number) {
  return times.map((time) => ({
    asset,
    code,
    raisedAt: at(time),
    clearedAt: at(time, clearAfter),
  }));
}

/**
 * The window 00:00–02:00 on 10 November under Line, twelve 10-minute windows:
 * - 00:10–00:20: 12 alarms (F-xx on Press 1), a flood; cleared after 30 s, acknowledged after 60 s.
 * - 00:30–00:40: 10 alarms (N-xx on Press 2), exactly the threshold, not a flood; cleared after
 *   90 s, never acknowledged.
 * - 00:50–01:00: 11 alarms (G-xx on Press 2), a flood; cleared after 30 s, acknowledged after 300 s.
 * - CH on Press 1: raised 01:10:00, :20, :50 (3 within 50 s, chattering) and again at 01:40.
 * - EDGE on Press 2: raised 01:20:00, :30, 01:21:00, 3 within exactly 60 s: chattering.
 * - SLOW on Press 2: raised 01:30:00, :40, 01:31:01, never 3 within 60 s.
 * - LATE on Press 1: raised 01:50, cleared and acknowledged only after `to`.
 * - Standing candidates raised before the window (see the standing test).
 * - Robot, outside Line: 15 alarms at 00:10–00:20 and a standing one.
 */
beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await alarmsSubgraph.buildSchema(), database.services);
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Plant', 'SITE', 'Acme');
  await insertAsset('Line', 'LINE', 'Plant');
  await insertAsset('Press 1', 'EQUIPMENT', 'Line');
  await insertAsset('Press 2', 'EQUIPMENT', 'Line');
  await insertAsset('Robot', 'EQUIPMENT', 'Plant');

  await insertAlarms([
    ...burst('Press 1', 'F', '10T00:10:00', 12, 45, 30, 60),
    ...burst('Press 2', 'N', '10T00:30:00', 10, 50, 90, null),
    ...burst('Press 2', 'G', '10T00:50:00', 11, 50, 30, 300),
    ...repeats('Press 1', 'CH', ['10T01:10:00', '10T01:10:20', '10T01:10:50', '10T01:40:00'], 5),
    ...repeats('Press 2', 'EDGE', ['10T01:20:00', '10T01:20:30', '10T01:21:00'], 10),
    ...repeats('Press 2', 'SLOW', ['10T01:30:00', '10T01:30:40', '10T01:31:01'], 10),
    {
      asset: 'Press 1',
      code: 'LATE',
      raisedAt: at('10T01:50:00'),
      clearedAt: at('10T02:10:00'),
      acknowledgedAt: at('10T02:30:00'),
    },
    // Raised at `to`: outside the half-open window.
    { asset: 'Press 1', code: 'NEXT', raisedAt: TO },
    // Raised and cleared before the window: in no list.
    { asset: 'Press 1', code: 'OLD', raisedAt: at('09T20:00:00'), clearedAt: at('09T23:00:00') },
    // Active for 38 h at `to`, acknowledged but never cleared: standing.
    {
      asset: 'Press 1',
      code: 'S-1',
      raisedAt: at('08T12:00:00'),
      acknowledgedAt: at('08T12:05:00'),
    },
    // Active for 25 h at `to`, cleared only after it: standing.
    { asset: 'Press 2', code: 'S-2', raisedAt: at('09T01:00:00'), clearedAt: at('10T03:00:00') },
    // Active for 23 h at `to`: not (yet) standing.
    { asset: 'Press 2', code: 'S-3', raisedAt: at('09T03:00:00') },
    // Cleared at 01:00, before `to`: not standing, 3600 s active in the window.
    { asset: 'Press 1', code: 'S-4', raisedAt: at('08T00:00:00'), clearedAt: at('10T01:00:00') },
    // Active for exactly 24 h at `to`: not longer than 24 h, so not standing.
    { asset: 'Press 1', code: 'S-5', raisedAt: at('09T02:00:00') },
    ...burst('Robot', 'R', '10T00:10:00', 15, 30, 10, null),
    { asset: 'Robot', code: 'R-S', raisedAt: at('01T00:00:00') },
  ]);
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

const statisticsQuery = `query ($under: ID, $from: DateTime, $to: DateTime, $top: Int) {
  alarmStatistics(under: $under, from: $from, to: $to, top: $top) {
    from to raised cleared acknowledged meanTimeToAcknowledgeSeconds meanTimeToClearSeconds
    rate { averagePer10Minutes peakPer10Minutes windowCount floodWindowCount floodShare
           floodWindows { start end alarms } }
    topByFrequency { ...code }
    topByDuration { ...code }
    chattering { ...code }
    chatteringCount
    standing { code raisedAt clearedAt asset { id } }
    standingCount } }
  fragment code on AlarmCodeStatistics {
    asset { id } code raises share activeSeconds peakRaisesPerMinute }`;

interface CodeStatistics {
  asset: { id: string };
  code: string;
  raises: number;
  share: number;
  activeSeconds: number;
  peakRaisesPerMinute: number;
}

interface Statistics {
  from: string;
  to: string;
  raised: number;
  cleared: number;
  acknowledged: number;
  meanTimeToAcknowledgeSeconds: number | null;
  meanTimeToClearSeconds: number | null;
  rate: {
    averagePer10Minutes: number;
    peakPer10Minutes: number;
    windowCount: number;
    floodWindowCount: number;
    floodShare: number;
    floodWindows: { start: string; end: string; alarms: number }[];
  };
  topByFrequency: CodeStatistics[];
  topByDuration: CodeStatistics[];
  chattering: CodeStatistics[];
  chatteringCount: number;
  standing: { code: string; raisedAt: string; clearedAt: string | null; asset: { id: string } }[];
  standingCount: number;
}

async function statistics(
  variables: Record<string, unknown>,
  caller?: Identity,
): Promise<Statistics> {
  const { data, errors } = await execute<{ alarmStatistics: Statistics }>(
    statisticsQuery,
    variables,
    caller,
  );
  expect(errors).toBeUndefined();
  return data!.alarmStatistics;
}

const line = () => ({ under: assets['Line'], from: FROM, to: TO });
const codeOf = (asset: string, code: string) => ({ asset: { id: assets[asset] }, code });

describe('alarmStatistics', () => {
  it('counts the alarms raised in the window and what happened to them before `to`', async () => {
    const stats = await statistics(line());
    // 12 F + 10 N + 11 G + 4 CH + 3 EDGE + 3 SLOW + LATE; NEXT is raised at `to`.
    expect(stats).toMatchObject({ from: FROM, to: TO, raised: 44, cleared: 43, acknowledged: 23 });
    // Cleared: 12 · 30 + 10 · 90 + 11 · 30 + 4 · 5 + 3 · 10 + 3 · 10 = 1670 s over 43 alarms.
    expect(stats.meanTimeToClearSeconds).toBeCloseTo(1670 / 43, 9);
    // Acknowledged: 12 · 60 + 11 · 300 = 4020 s over 23; LATE's comes after `to`.
    expect(stats.meanTimeToAcknowledgeSeconds).toBeCloseTo(4020 / 23, 9);
  });

  it('finds the flood windows: more than 10 alarms in 10 minutes', async () => {
    const { rate } = await statistics(line());
    expect(rate).toEqual({
      averagePer10Minutes: expect.closeTo(44 / 12, 9),
      peakPer10Minutes: 12,
      windowCount: 12,
      floodWindowCount: 2,
      floodShare: expect.closeTo(2 / 12, 9),
      floodWindows: [
        { start: '2026-11-10T00:10:00.000Z', end: '2026-11-10T00:20:00.000Z', alarms: 12 },
        { start: '2026-11-10T00:50:00.000Z', end: '2026-11-10T01:00:00.000Z', alarms: 11 },
      ],
    });
  });

  it('aligns windows to `from` and cuts the last one at `to`', async () => {
    const { rate } = await statistics({
      ...line(),
      from: at('10T00:05:00'),
      to: at('10T00:58:00'),
    });
    // Windows 00:05–00:15 (F-01…F-07: 7), 00:15–00:25 (F-08…F-12: 5), …, 00:45–00:55 (G-01…G-06),
    // 00:55–00:58 (G-07…G-10: 4). 53 minutes: 6 windows, none a flood.
    expect(rate).toMatchObject({ windowCount: 6, peakPer10Minutes: 7, floodWindowCount: 0 });
    const { rate: late } = await statistics({ ...line(), from: at('10T00:45:00'), to: TO });
    // 00:45–02:00: the G flood straddles windows 00:45–00:55 (6) and 00:55–01:05 (5).
    expect(late.floodWindows).toEqual([]);
  });

  it('ranks alarm points by frequency, ties by asset path and code, with their share', async () => {
    const stats = await statistics({ ...line(), top: 3 });
    expect(stats.topByFrequency).toEqual(
      [
        { ...codeOf('Press 1', 'CH'), raises: 4, share: expect.closeTo(4 / 44, 9) },
        { ...codeOf('Press 2', 'EDGE'), raises: 3, share: expect.closeTo(3 / 44, 9) },
        { ...codeOf('Press 2', 'SLOW'), raises: 3, share: expect.closeTo(3 / 44, 9) },
      ].map((expected, index) => ({
        activeSeconds: [20, 30, 30][index],
        peakRaisesPerMinute: [3, 3, 2][index],
        ...expected,
      })),
    );
  });

  it('ranks alarm points by time active within the window, standing ones included', async () => {
    const stats = await statistics({ ...line(), top: 6 });
    expect(
      stats.topByDuration.map(({ code, activeSeconds, raises }) => [code, activeSeconds, raises]),
    ).toEqual([
      ['S-1', 7200, 0],
      ['S-5', 7200, 0],
      ['S-2', 7200, 0],
      ['S-3', 7200, 0],
      ['S-4', 3600, 0],
      ['LATE', 600, 1],
    ]);
  });

  it('finds chattering alarms: 3 raises within 60 seconds, both ends included', async () => {
    const stats = await statistics(line());
    expect(
      stats.chattering.map(({ code, raises, peakRaisesPerMinute }) => [
        code,
        raises,
        peakRaisesPerMinute,
      ]),
    ).toEqual([
      ['CH', 4, 3],
      ['EDGE', 3, 3],
    ]);
    expect(stats.chatteringCount).toBe(2);
  });

  it('finds standing alarms: active at `to` for more than 24 hours, oldest first', async () => {
    const stats = await statistics(line());
    expect(stats.standing).toEqual([
      {
        ...codeOf('Press 1', 'S-1'),
        raisedAt: '2026-11-08T12:00:00.000Z',
        clearedAt: null,
      },
      {
        ...codeOf('Press 2', 'S-2'),
        raisedAt: '2026-11-09T01:00:00.000Z',
        clearedAt: '2026-11-10T03:00:00.000Z',
      },
    ]);
    expect(stats.standingCount).toBe(2);
    // A second after 03:00, S-5 has stood 25 h and S-3 just over 24 h; S-2 cleared at 03:00.
    const later = await statistics({ ...line(), to: at('10T03:00:01') });
    expect(later.standing.map((alarm) => alarm.code)).toEqual(['S-1', 'S-5', 'S-3']);
  });

  it('cuts every list at `top` and keeps the full counts', async () => {
    const stats = await statistics({ ...line(), top: 1 });
    expect(stats.topByFrequency.map((entry) => entry.code)).toEqual(['CH']);
    expect(stats.topByDuration.map((entry) => entry.code)).toEqual(['S-1']);
    expect(stats.chattering.map((entry) => entry.code)).toEqual(['CH']);
    expect(stats.chatteringCount).toBe(2);
    expect(stats.standing.map((entry) => entry.code)).toEqual(['S-1']);
    expect(stats.standingCount).toBe(2);
  });

  it('covers the whole plant without `under`, the same as under the enterprise', async () => {
    const plant = await statistics({ from: FROM, to: TO });
    expect(plant).toEqual(await statistics({ under: assets['Acme'], from: FROM, to: TO }));
    expect(plant.raised).toBe(44 + 15);
    expect(plant.rate.floodWindows[0]).toEqual({
      start: '2026-11-10T00:10:00.000Z',
      end: '2026-11-10T00:20:00.000Z',
      alarms: 27,
    });
    expect(plant.standing.map((alarm) => alarm.code)).toEqual(['R-S', 'S-1', 'S-2']);
    const robot = await statistics({ under: assets['Robot'], from: FROM, to: TO });
    expect(robot).toMatchObject({ raised: 15, standingCount: 1, chatteringCount: 0 });
  });

  it('counts only the sites a scoped caller may see', async () => {
    const lineOnly: Identity = { subject: 'viewer', role: 'viewer', sites: [assets['Line']!] };
    const robotOnly: Identity = { subject: 'viewer', role: 'viewer', sites: [assets['Robot']!] };
    // The whole plant, seen from Line, is Line: Robot's alarms and standing alarm drop out.
    const plant = await statistics({ from: FROM, to: TO }, lineOnly);
    expect(plant).toEqual(await statistics(line()));
    expect(
      await statistics({ under: assets['Line'], from: FROM, to: TO }, robotOnly),
    ).toMatchObject({
      raised: 0,
      standingCount: 0,
      topByFrequency: [],
      topByDuration: [],
      standing: [],
    });
  });

  it('answers an empty window with zeros', async () => {
    const stats = await statistics({ ...line(), from: TO });
    expect(stats).toMatchObject({
      raised: 0,
      cleared: 0,
      acknowledged: 0,
      meanTimeToAcknowledgeSeconds: null,
      meanTimeToClearSeconds: null,
      rate: {
        averagePer10Minutes: 0,
        peakPer10Minutes: 0,
        windowCount: 0,
        floodWindowCount: 0,
        floodShare: 0,
        floodWindows: [],
      },
      topByFrequency: [],
      topByDuration: [],
      chattering: [],
      chatteringCount: 0,
      standingCount: 2,
    });
  });

  it('defaults to the 24 hours before `to`, and `to` to now', async () => {
    const before = Date.now();
    const now = await statistics({ under: assets['Line'] });
    expect(Date.parse(now.to)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(now.to) - Date.parse(now.from)).toBe(24 * 3600 * SECOND);
    const day = await statistics({ under: assets['Line'], to: TO });
    expect(day.from).toBe('2026-11-09T02:00:00.000Z');
    // S-5 (raised at 02:00 on the 9th, the inclusive start), S-3 and OLD join.
    expect(day.raised).toBe(44 + 3);
  });
});

describe('alarmStatistics arguments', () => {
  it.each([
    [{ top: 0 }, 'BAD_USER_INPUT', 'top'],
    [{ top: 101 }, 'BAD_USER_INPUT', 'top'],
    [{ from: TO, to: FROM }, 'BAD_USER_INPUT', 'from'],
    [{ from: '2025-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z' }, 'BAD_USER_INPUT', 'from'],
    [{ under: UNKNOWN }, 'NOT_FOUND', 'under'],
    [{ under: 'line-1' }, 'BAD_USER_INPUT', 'under'],
  ])('refuses %o with %s naming %s', async (variables, code, argument) => {
    const { errors } = await execute(statisticsQuery, { from: FROM, to: TO, ...variables });
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.extensions?.argument).toBe(argument);
    expect(errors?.[0]?.message).toContain(`"${argument}"`);
  });

  it('accepts a window of exactly 366 days', async () => {
    const { errors } = await execute(statisticsQuery, {
      from: '2025-11-10T02:00:00Z',
      to: '2026-11-11T02:00:00Z',
    });
    expect(errors).toBeUndefined();
  });
});

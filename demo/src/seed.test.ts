import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '@plantgraph/db';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { seedDemoPlant, seedIfEmpty, type SeedSummary } from './seed.ts';

const NOW = new Date('2026-03-02T10:15:42.123Z');
const TABLES = [
  'asset',
  'tag',
  'datapoint',
  'machine_state',
  'counter_increment',
  'production_order',
  'production_order_status_change',
  'quality_characteristic',
  'measurement',
  'alarm_event',
  'shift',
  'ideal_cycle_time',
] as const;

let first: TestDatabase;
let second: TestDatabase;
let summary: SeedSummary;

async function count(sql: Sql, from: string, params: unknown[] = []): Promise<number> {
  const [row] = await sql.query<{ count: number }>(`select count(*) as count from ${from}`, params);
  return row!.count;
}

async function tableCounts(sql: Sql): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) counts[table] = await count(sql, table);
  return counts;
}

beforeAll(async () => {
  [first, second] = await Promise.all([openTestDatabase(), openTestDatabase()]);
  summary = await seedDemoPlant(first.sql, { size: 'small', now: NOW });
});

afterAll(async () => {
  await Promise.all([first?.close(), second?.close()]);
});

describe('the small demo seed', () => {
  it('inserts exactly the rows it reports', async () => {
    expect(summary.counts).toEqual({
      // Enterprise, site, area, line and three machines.
      asset: 7,
      equipment: 3,
      tag: 9,
      datapoint: 1400,
      machine_state: 26,
      counter_increment: 144,
      // Per machine: one completed, one running, one released and one created order ...
      production_order: 12,
      // ... which went through 6 + 5 + 2 + 1 statuses.
      production_order_status_change: 42,
      quality_characteristic: 11,
      measurement: 19,
      alarm_event: 12,
      // Three shifts at the one site; per machine a default cycle time and one per material.
      shift: 3,
      ideal_cycle_time: 6,
    });
    expect(await tableCounts(first.sql)).toEqual(
      Object.fromEntries(TABLES.map((table) => [table, summary.counts[table]])),
    );
  });

  it('covers the four hours up to now, on whole minutes', async () => {
    expect(summary.from).toEqual(new Date('2026-03-02T06:16:00Z'));
    expect(summary.to).toEqual(new Date('2026-03-02T10:15:00Z'));
    const [span] = await first.sql.query<{ first: Date; last: Date; off_minute: number }>(
      `select min(time) as first, max(time) as last,
              count(*) filter (where extract(second from time) <> 0) as off_minute
         from datapoint`,
    );
    expect(span).toEqual({ first: summary.from, last: summary.to, off_minute: 0 });
    const [states] = await first.sql.query<{ first: Date; last: Date }>(
      'select min(time) as first, max(time) as last from machine_state',
    );
    expect(states!.first).toEqual(summary.from);
    expect(states!.last.getTime()).toBeLessThan(summary.to.getTime());
  });

  it('builds an ISA-95 tree whose paths are the names from the root', async () => {
    const kinds = await first.sql.query<{ kind: string; count: number }>(
      'select kind, count(*) as count from asset group by kind order by kind',
    );
    expect(kinds).toEqual([
      { kind: 'ENTERPRISE', count: 1 },
      { kind: 'SITE', count: 1 },
      { kind: 'AREA', count: 1 },
      { kind: 'LINE', count: 1 },
      { kind: 'EQUIPMENT', count: 3 },
    ]);
    expect(
      await count(
        first.sql,
        `asset child left join asset parent on parent.id = child.parent_id
          where child.path <> case when parent.id is null then child.name
                                   else parent.path || '/' || child.name end`,
      ),
    ).toBe(0);
    const [root] = await first.sql.query<{ path: string }>(
      'select path from asset where parent_id is null',
    );
    expect(root!.path).toBe('Acme Manufacturing');
  });

  it('gives every machine tags with OPC UA sources and minute history for numeric tags', async () => {
    expect(
      await count(
        first.sql,
        `asset a where a.kind = 'EQUIPMENT' and not exists (select 1 from tag t where t.asset_id = a.id)`,
      ),
    ).toBe(0);
    const tags = await first.sql.query<{
      path: string;
      name: string;
      data_type: string;
      source: string;
      samples: number;
      texts: number;
    }>(
      `select a.path, t.name, t.data_type, t.source,
              count(d.time) filter (where d.value is not null) as samples,
              count(d.text) as texts
         from tag t join asset a on a.id = t.asset_id left join datapoint d on d.tag_id = t.id
        group by a.path, t.name, t.data_type, t.source order by a.path, t.name`,
    );
    const press = tags.filter((tag) => tag.path.endsWith('/Press 01'));
    expect(press.map(({ name, data_type, source }) => ({ name, data_type, source }))).toEqual([
      {
        name: 'Motor Current',
        data_type: 'FLOAT',
        source: 'ns=2;s=Dresden.BodyShop.Line1.Press01.MotorCurrent',
      },
      {
        name: 'Part Count',
        data_type: 'INTEGER',
        source: 'ns=2;s=Dresden.BodyShop.Line1.Press01.PartCount',
      },
      {
        name: 'Program Name',
        data_type: 'STRING',
        source: 'ns=2;s=Dresden.BodyShop.Line1.Press01.ProgramName',
      },
    ]);
    for (const tag of tags) {
      if (tag.data_type === 'STRING') {
        expect(tag.samples).toBe(0);
        expect(tag.texts).toBeGreaterThan(0);
      } else {
        // One a minute for four hours, less connection gaps.
        expect(tag.samples).toBeGreaterThan(200);
        expect(tag.samples).toBeLessThanOrEqual(240);
      }
    }
  });

  it('gives each machine exactly one RUNNING order, with a status trail ending in its status', async () => {
    const running = await first.sql.query<{ running: number }>(
      `select count(o.id) filter (where o.status = 'RUNNING') as running
         from asset a left join production_order o on o.asset_id = a.id
        where a.kind = 'EQUIPMENT' group by a.id`,
    );
    expect(running).toEqual([{ running: 1 }, { running: 1 }, { running: 1 }]);
    const trails = await first.sql.query<{ number: string; status: string; trail: string[] }>(
      `select o.number, o.status::text as status,
              array_agg(c.to_status::text order by c.changed_at) as trail
         from production_order o join production_order_status_change c on c.order_id = o.id
        group by o.id order by o.number`,
    );
    expect(trails).toHaveLength(12);
    for (const { number, status, trail } of trails) {
      expect(number).toMatch(/^PO-2026-\d{6}$/);
      expect(trail.at(-1)).toBe(status);
      expect(trail[0]).toBe('CREATED');
    }
    expect(
      await count(
        first.sql,
        `production_order_status_change c
          where c.actor <> 'seed'
             or c.from_status is distinct from (
                  select p.to_status from production_order_status_change p
                   where p.order_id = c.order_id and p.changed_at < c.changed_at
                   order by p.changed_at desc limit 1)`,
      ),
    ).toBe(0);
  });

  it('judges every measurement against its characteristic', async () => {
    expect(
      await count(
        first.sql,
        `measurement m join quality_characteristic c on c.id = m.characteristic_id
          where m.in_spec <> ((c.lsl is null or m.value >= c.lsl) and (c.usl is null or m.value <= c.usl))`,
      ),
    ).toBe(0);
    expect(
      await count(
        first.sql,
        `quality_characteristic where target < coalesce(lsl, target) or target > coalesce(usl, target)`,
      ),
    ).toBe(0);
    expect(await count(first.sql, 'measurement where order_id is null')).toBe(0);
  });

  it('only ever counts up', async () => {
    expect(await count(first.sql, 'counter_increment where increment <= 0')).toBe(0);
    expect(
      await count(
        first.sql,
        `(select d.value - lag(d.value) over (partition by d.tag_id order by d.time) as step
            from datapoint d join tag t on t.id = d.tag_id where t.name = 'Part Count') steps
          where step < 0`,
      ),
    ).toBe(0);
    // Increments belong to an order of the machine that produced them.
    expect(
      await count(
        first.sql,
        `counter_increment c left join production_order o on o.id = c.order_id
          where o.asset_id is distinct from c.asset_id`,
      ),
    ).toBe(0);
  });

  it('ends with two machines running and the welding robot down on an active alarm', async () => {
    const latest = await first.sql.query<{ name: string; state: string; reason: string | null }>(
      `select distinct on (s.asset_id) a.name, s.state::text as state, s.reason
         from machine_state s join asset a on a.id = s.asset_id
        order by s.asset_id, s.time desc`,
    );
    expect(latest.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'Press 01', state: 'RUNNING', reason: null },
      { name: 'Spot Welder 01', state: 'RUNNING', reason: null },
      { name: 'Welding Robot 01', state: 'DOWN', reason: 'COLLISION' },
    ]);
    const active = await first.sql.query<{ name: string; severity: string }>(
      `select a.name, e.severity::text as severity from alarm_event e join asset a on a.id = e.asset_id
        where e.cleared_at is null and e.code = 'COLLISION'`,
    );
    expect(active).toEqual([{ name: 'Welding Robot 01', severity: 'CRITICAL' }]);
  });

  it('does nothing when the database already holds assets', async () => {
    expect(await seedIfEmpty(first.sql, { size: 'small', now: NOW })).toBeNull();
    expect(await count(first.sql, 'asset')).toBe(summary.counts.asset);
  });

  it('leaves nothing behind when it fails half-way', async () => {
    // Characteristics go in after assets, tags, states, counters and orders; a clash there
    // must take all of those with it.
    await second.sql.query(`insert into quality_characteristic (name) values ('Gloss Level')`);
    try {
      await expect(seedDemoPlant(second.sql, { size: 'small', now: NOW })).rejects.toThrow();
      expect(await tableCounts(second.sql)).toEqual({
        ...Object.fromEntries(TABLES.map((table) => [table, 0])),
        quality_characteristic: 1,
      });
    } finally {
      await second.sql.query('delete from quality_characteristic');
    }
  });

  it('produces the same plant and history every time for the same now', async () => {
    const again = await seedIfEmpty(second.sql, { size: 'small', now: NOW });
    expect(again?.counts).toEqual(summary.counts);
    const fingerprint = async (sql: Sql) => ({
      assets: await sql.query('select path, name from asset order by path'),
      sums: await sql.query(
        `select a.path, t.name, sum(d.value::numeric) as sum, count(d.time) as samples,
                string_agg(d.text, ',' order by d.time) as texts
           from datapoint d join tag t on t.id = d.tag_id join asset a on a.id = t.asset_id
          group by a.path, t.name order by a.path, t.name`,
      ),
      states: await sql.query(
        `select a.path, s.time, s.state, s.reason from machine_state s
           join asset a on a.id = s.asset_id order by a.path, s.time`,
      ),
      orders: await sql.query(
        'select number, material, quantity, status, due_at from production_order order by number',
      ),
      alarms: await sql.query(
        `select a.path, e.code, e.raised_at, e.cleared_at, e.acknowledged_by from alarm_event e
           join asset a on a.id = e.asset_id order by a.path, e.raised_at, e.code`,
      ),
      shifts: await sql.query(
        `select a.path, s.name, s.start_time::text, s.end_time::text, s.timezone from shift s
           join asset a on a.id = s.site_id order by a.path, s.start_time`,
      ),
      cycleTimes: await sql.query(
        `select a.path, i.material, i.seconds from ideal_cycle_time i
           join asset a on a.id = i.asset_id order by a.path, i.material nulls first`,
      ),
    });
    const [expected, actual] = await Promise.all([fingerprint(first.sql), fingerprint(second.sql)]);
    expect(actual).toEqual(expected);
    expect(expected.sums.length).toBe(9);
  });
});

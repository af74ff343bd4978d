import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * Every per-parent field is batched: resolving a nested query over 50 assets must cost the same
 * number of SQL statements as over 5. A resolver that queries once per parent makes the larger
 * page cost more and fails this test.
 */
const NestedAssets = graphql(`
  query NestedAssets($first: Int!) {
    assets(kind: EQUIPMENT, first: $first) {
      totalCount
      edges {
        node {
          id
          parent {
            name
          }
          ancestors {
            name
          }
          children {
            name
          }
          descendants {
            name
          }
          tags {
            name
            asset {
              name
            }
            latest {
              time
              value
            }
            history(first: 2) {
              edges {
                node {
                  value
                }
              }
            }
          }
          state {
            state
            since
          }
          stateHistory {
            state
          }
          orders {
            number
            statusHistory {
              to
            }
            measurements(first: 2) {
              edges {
                node {
                  value
                }
              }
            }
          }
          activeOrder {
            number
          }
          measurements(first: 3) {
            edges {
              node {
                value
                inSpec
                characteristic {
                  name
                }
              }
            }
          }
          activeAlarms {
            code
            severity
            asset {
              name
            }
          }
        }
      }
    }
  }
`);

let plant: TestPlant;

beforeAll(async () => {
  plant = await startTestPlant();
  const { sql } = plant.database;
  // Grow the small plant to 60 equipment, each with tags, history, state, an order, a
  // measurement and an alarm, so every nested field has rows to fetch.
  const [line] = await sql.query<{ id: string; path: string }>(
    "select id, path from asset where kind = 'LINE' order by path limit 1",
  );
  await sql.query(
    `insert into asset (parent_id, kind, name, path)
     select $1, 'EQUIPMENT', 'Extra ' || lpad(i::text, 2, '0'), $2 || '/Extra ' || lpad(i::text, 2, '0')
       from generate_series(1, 57) i`,
    [line!.id, line!.path],
  );
  await sql.exec(`
    insert into tag (asset_id, name, data_type, unit)
      select a.id, t.name, 'FLOAT', 'bar' from asset a cross join (values ('P1'), ('P2')) t(name)
       where a.name like 'Extra %';
    insert into datapoint (time, tag_id, value)
      select now() - (s || ' minutes')::interval, t.id, s from tag t cross join generate_series(1, 3) s
       where t.name in ('P1', 'P2');
    insert into machine_state (time, asset_id, state)
      select now() - interval '1 hour', id, 'RUNNING' from asset where name like 'Extra %';
    insert into production_order (number, material, quantity, status, asset_id)
      select 'PO-X-' || name, 'M', 5, 'RUNNING', id from asset where name like 'Extra %';
    insert into alarm_event (asset_id, code, message, severity, raised_at)
      select id, 'A1', 'Test alarm', 'HIGH', now() from asset where name like 'Extra %';
  `);
  await sql.exec(`
    insert into measurement (characteristic_id, asset_id, order_id, time, value, in_spec)
      select (select id from quality_characteristic order by name limit 1), o.asset_id, o.id, now(), 1, true
        from production_order o where o.number like 'PO-X-%';
  `);
});
afterAll(() => plant?.close());

async function countStatements(first: number): Promise<number> {
  let statements = 0;
  const stop = plant.database.sql.observe(() => statements++);
  try {
    const { data, errors } = await plant.request(NestedAssets, { first });
    expect(errors).toBeUndefined();
    expect(data!.assets.edges).toHaveLength(first);
  } finally {
    stop();
  }
  return statements;
}

describe('DataLoader batching', () => {
  it('issues as many statements for 50 assets as for 5', async () => {
    await countStatements(5); // warm-up: schema and plan caches
    const few = await countStatements(5);
    const many = await countStatements(50);
    expect(many).toBe(few);
    expect(few).toBeLessThan(40);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlantConfig, resolvePlantConfig, type ResolvedPlantConfig } from '@plantgraph/ingest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { openEventAlarms } from './alarm-conditions.ts';

let database: TestDatabase;
let resolved: ResolvedPlantConfig;
const ids = new Map<string, string>();

/**
 * Two OPC UA servers report conditions: `oven-plc` for the oven and its door, `burner-plc` for
 * the oven too (its burner's conditions). The door is the oven PLC's alone; the oven is shared.
 */
const config = parsePlantConfig(
  {
    connections: [
      { kind: 'opcua', id: 'oven-plc', endpoint: 'opc.tcp://127.0.0.1:1/oven' },
      { kind: 'opcua', id: 'burner-plc', endpoint: 'opc.tcp://127.0.0.1:1/burner' },
    ],
    mappings: {
      tags: [],
      alarms: [
        {
          connection: 'oven-plc',
          source: { nodeId: 'ns=2;s=Door.Jammed' },
          asset: 'Acme/Oven/Door',
          code: 'DoorJammed',
          severity: 'HIGH',
          message: 'Door jammed',
        },
      ],
      events: [
        { connection: 'oven-plc', asset: 'Acme/Oven', assets: { DoorOpen: 'Acme/Oven/Door' } },
        { connection: 'burner-plc', asset: 'Acme/Oven' },
      ],
    },
  },
  'test',
);

async function raise(path: string, code: string): Promise<void> {
  await database.sql.query(
    `insert into alarm_event (asset_id, code, message, severity, raised_at)
     values ($1, $2, $2, 'HIGH', now())`,
    [ids.get(path), code],
  );
}

beforeAll(async () => {
  database = await openTestDatabase();
  await database.sql.exec(`
    insert into asset (kind, name, path) values ('ENTERPRISE', 'Acme', 'Acme');
    insert into asset (parent_id, kind, name, path)
      select id, 'EQUIPMENT', 'Oven', 'Acme/Oven' from asset where path = 'Acme';
    insert into asset (parent_id, kind, name, path)
      select id, 'EQUIPMENT', 'Door', 'Acme/Oven/Door' from asset where path = 'Acme/Oven';`);
  for (const row of await database.sql.query<{ id: string; path: string }>(
    'select id, path from asset',
  )) {
    ids.set(row.path, row.id);
  }
  resolved = await resolvePlantConfig(database.sql, config);
  await raise('Acme/Oven', 'FlameFailure');
  await raise('Acme/Oven/Door', 'DoorOpen');
  await raise('Acme/Oven/Door', 'DoorJammed');
});

afterAll(async () => {
  await database?.close();
});

describe('the open alarms a ConditionRefresh compares', () => {
  it("leaves out alarm-bit codes and an asset another events mapping covers, each connection's way", async () => {
    const oven = ids.get('Acme/Oven')!;
    const door = ids.get('Acme/Oven/Door')!;
    // The oven's FlameFailure may be the burner PLC's, active on its server: the oven PLC's
    // refresh must not clear it. The door's DoorJammed belongs to the alarm-bit mapping.
    expect(await openEventAlarms(database.sql, resolved, 'oven-plc', [oven, door])).toEqual([
      { assetId: door, assetPath: 'Acme/Oven/Door', code: 'DoorOpen' },
    ]);
    // Nor may the burner PLC's refresh clear what the oven PLC raised on the shared oven.
    expect(await openEventAlarms(database.sql, resolved, 'burner-plc', [oven])).toEqual([]);
  });

  it('compares every open alarm of an asset only one events mapping covers', async () => {
    const alone = { ...resolved, events: resolved.events?.slice(0, 1) };
    const oven = ids.get('Acme/Oven')!;
    const door = ids.get('Acme/Oven/Door')!;
    const open = await openEventAlarms(database.sql, alone, 'oven-plc', [oven, door]);
    expect(open.map((alarm) => `${alarm.assetPath} ${alarm.code}`).sort()).toEqual([
      'Acme/Oven FlameFailure',
      'Acme/Oven/Door DoorOpen',
    ]);
  });
});

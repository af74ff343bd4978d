import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { applyIntegrationConfig, InvalidConfigDocument } from './apply-config.ts';
import { latestConfigVersion } from './config-versions.ts';
import { tagLineage } from './mapping-lineage.ts';

let database: TestDatabase;
const suffix = Math.random().toString(36).slice(2, 8);
const LINE = `Apply Plant ${suffix}/Line 1`;

beforeAll(async () => {
  database = await openTestDatabase();
  await database.sql.query(
    `insert into asset (name, kind, path) values ($1, 'ENTERPRISE', $1), ('Line 1', 'LINE', $2),
       ('Press 01', 'EQUIPMENT', $2 || '/Press 01'), ('Press 02', 'EQUIPMENT', $2 || '/Press 02')`,
    [`Apply Plant ${suffix}`, LINE],
  );
});

afterAll(async () => {
  await database?.close();
});

const document = (press01Current: string, extra = '') => `
connections:
  - kind: opcua
    id: plc
    endpoint: \${PLC_ENDPOINT:-opc.tcp://127.0.0.1:4840}
    usernameEnv: PLC_USER
    passwordEnv: PLC_PASSWORD
templates:
  - id: press
    tags:
      - { tag: Motor Current, address: "ns=2;s={prefix}.${press01Current}", unit: A }
      - { tag: Stroke Rate, address: "ns=2;s={prefix}.StrokeRate", scale: 0.5 }
instances:
  - { template: press, asset: ${LINE}/Press 01, connection: plc, prefix: P01 }
${extra}`;

const apply = (text: string, dryRun = false, appliedBy = 'engineer@test') =>
  applyIntegrationConfig(database.sql, {
    document: text,
    dryRun,
    comment: 'test',
    appliedBy,
    env: {},
  });

async function tagId(asset: string, name: string): Promise<string> {
  const [row] = await database.sql.query<{ id: string }>(
    'select t.id from tag t join asset a on a.id = t.asset_id where a.path = $1 and t.name = $2',
    [asset, name],
  );
  return row!.id;
}

describe('applyIntegrationConfig', () => {
  it('stores a version as written, provisions its tags, and records lineage per change', async () => {
    const dry = await apply(document('MotorCurrent'), true);
    expect(dry.version).toBeNull();
    expect(dry.changes.map((change) => change.path)).toEqual([
      'connections[0]',
      'templates[0]',
      'instances[0]',
    ]);
    expect(dry.mappings).toEqual({ added: 2, removed: 0, changed: 0 });
    expect(await latestConfigVersion(database.sql)).toBeUndefined();

    const first = await apply(document('MotorCurrent'));
    expect(first.version?.version).toBe(1);
    const stored = first.version!.document as { connections: { endpoint: string }[] };
    // References stay unresolved: no host's address (nor any secret) is stored.
    expect(stored.connections[0]!.endpoint).toBe('${PLC_ENDPOINT:-opc.tcp://127.0.0.1:4840}');

    // Stored as written, keys in their order: an export reads as the file applied.
    const reread = await latestConfigVersion(database.sql);
    expect(Object.keys(reread!.document as object)).toEqual([
      'connections',
      'templates',
      'instances',
    ]);

    const again = await apply(document('MotorCurrent'));
    expect(again).toMatchObject({ version: null, unchanged: true, previousVersion: 1 });

    const moved = await apply(document('MainDriveCurrent'), false, 'engineer-2@test');
    expect(moved.version?.version).toBe(2);
    expect(moved.changes.map((change) => [change.kind, change.path])).toEqual([
      ['CHANGED', 'templates[0]'],
    ]);
    expect(moved.mappings).toEqual({ added: 1, removed: 1, changed: 0 });

    const window = { from: new Date(0), to: new Date(Date.now() + 60_000) };
    const current = await tagLineage(
      database.sql,
      await tagId(`${LINE}/Press 01`, 'Motor Current'),
      window,
    );
    expect(current.map((p) => [p.source, p.fromVersion, p.toVersion, p.appliedBy])).toEqual([
      ['ns=2;s=P01.MotorCurrent', 1, 2, 'engineer@test'],
      ['ns=2;s=P01.MainDriveCurrent', 2, null, 'engineer-2@test'],
    ]);
    expect(current[0]).toMatchObject({ template: 'press', instance: `${LINE}/Press 01` });
    const stroke = await tagLineage(
      database.sql,
      await tagId(`${LINE}/Press 01`, 'Stroke Rate'),
      window,
    );
    expect(stroke.map((p) => [p.fromVersion, p.toVersion, p.scale])).toEqual([[1, null, 0.5]]);
  });

  it('names every problem by its path in the document and stores nothing', async () => {
    const before = await latestConfigVersion(database.sql);
    const wrong = document(
      'MotorCurrent',
      `  - { template: Press, asset: ${LINE}/Press 02, connection: plc, prefix: P02 }
  - { template: press, asset: ${LINE}/Press 99, connection: plc, prefix: P99 }`,
    );
    const failure = await apply(wrong).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidConfigDocument);
    expect((failure as InvalidConfigDocument).problems).toEqual([
      'instances[1].template: unknown template "Press"',
    ]);
    // Asset paths are checked once the document itself is valid.
    const missing = await apply(
      document(
        'MotorCurrent',
        `  - { template: press, asset: ${LINE}/Press 99, connection: plc, prefix: P99 }`,
      ),
    ).catch((error: unknown) => error);
    expect((missing as InvalidConfigDocument).problems).toEqual([
      `instances[1].asset: no asset has the path "${LINE}/Press 99"`,
    ]);
    const syntax = await apply('connections: [').catch((error: unknown) => error);
    expect((syntax as InvalidConfigDocument).problems[0]).toMatch(/^line 1, column \d+: /);
    expect((await latestConfigVersion(database.sql))?.version).toBe(before?.version);
  });
});

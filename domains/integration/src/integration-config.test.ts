import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { diffConfigDocuments } from './config-diff.ts';
import {
  configDigest,
  configVersion,
  insertConfigVersion,
  latestConfigVersionNumber,
  listConfigVersions,
} from './config-versions.ts';
import {
  mappingsAt,
  recordMappingLineage,
  tagLineage,
  type TagMappingRecord,
} from './mapping-lineage.ts';

let database: TestDatabase;
let tagId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  const [asset] = await database.sql.query<{ id: string }>(
    `insert into asset (name, kind, path) values ('Lineage Press', 'EQUIPMENT', 'Lineage Press')
     returning id`,
  );
  const [tag] = await database.sql.query<{ id: string }>(
    `insert into tag (asset_id, name) values ($1, 'Motor Current') returning id`,
    [asset!.id],
  );
  tagId = tag!.id;
});

afterAll(async () => {
  await database?.close();
});

const mapping = (source: string, scale = 1): TagMappingRecord => ({
  tagId,
  connection: 'plc',
  source,
  scale,
  offset: 0,
  deadband: 0,
  template: 'press',
  instance: 'Lineage Press',
});

async function apply(document: unknown, mappings: TagMappingRecord[], by = 'engineer-1') {
  return database.sql.transaction(async (tx) => {
    const version = await insertConfigVersion(tx, { document, comment: 'test', appliedBy: by });
    const lineage = await recordMappingLineage(tx, version.version, mappings);
    return { version, lineage };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('integration configuration versions and lineage', () => {
  it('numbers versions densely, keeps documents as written and lists them newest first', async () => {
    const before = await latestConfigVersionNumber(database.sql);
    const first = await apply({ connections: [{ id: 'plc', endpoint: '${PLC_URL}' }] }, [
      mapping('ns=2;s=Press.Current'),
    ]);
    expect(first.version.version).toBe(before + 1);
    expect(first.lineage).toEqual({ opened: 1, closed: 0 });
    const stored = await configVersion(database.sql, first.version.version);
    expect(stored?.document).toEqual({ connections: [{ id: 'plc', endpoint: '${PLC_URL}' }] });
    expect(stored?.digest).toBe(
      configDigest({ connections: [{ endpoint: '${PLC_URL}', id: 'plc' }] }),
    );
    expect(stored?.appliedBy).toBe('engineer-1');

    await sleep(5);
    // The same mapping again keeps its period; a moved address closes it and opens another.
    const same = await apply({ v: 2 }, [mapping('ns=2;s=Press.Current')]);
    expect(same.lineage).toEqual({ opened: 0, closed: 0 });
    await sleep(5);
    const moved = await apply({ v: 3 }, [mapping('ns=2;s=Press.MotorCurrent', 0.1)], 'engineer-2');
    expect(moved.lineage).toEqual({ opened: 1, closed: 1 });

    const listed = await listConfigVersions(database.sql, { limit: 2 });
    expect(listed.map((v) => v.version)).toEqual([moved.version.version, same.version.version]);
    expect(await latestConfigVersionNumber(database.sql)).toBe(moved.version.version);

    const window = { from: new Date(0), to: new Date(Date.now() + 60_000) };
    const lineage = await tagLineage(database.sql, tagId, window);
    expect(lineage.map((p) => [p.source, p.fromVersion, p.toVersion, p.appliedBy])).toEqual([
      ['ns=2;s=Press.Current', first.version.version, moved.version.version, 'engineer-1'],
      ['ns=2;s=Press.MotorCurrent', moved.version.version, null, 'engineer-2'],
    ]);
    // A window after the move sees only the new mapping.
    const later = await tagLineage(database.sql, tagId, {
      from: new Date(moved.version.appliedAt.getTime() + 1),
      to: window.to,
    });
    expect(later.map((p) => p.source)).toEqual(['ns=2;s=Press.MotorCurrent']);

    const [old, current, none] = await mappingsAt(database.sql, [
      { tagId, time: new Date(same.version.appliedAt.getTime() + 1) },
      { tagId, time: new Date(moved.version.appliedAt.getTime() + 1) },
      { tagId, time: new Date(first.version.appliedAt.getTime() - 60_000) },
    ]);
    expect(old?.source).toBe('ns=2;s=Press.Current');
    expect(current).toMatchObject({ source: 'ns=2;s=Press.MotorCurrent', scale: 0.1 });
    expect(none).toBeNull();
  });

  it('versions applied at once get distinct numbers', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        database.sql.transaction((tx) =>
          insertConfigVersion(tx, { document: { n }, comment: '', appliedBy: 'ci' }),
        ),
      ),
    );
    const numbers = results.map((r) => r.version).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(3);
    expect(numbers[2]! - numbers[0]!).toBe(2);
  });
});

describe('diffConfigDocuments', () => {
  it('reports added, removed and changed entries by key, ignoring order', () => {
    const before = {
      connections: [{ id: 'a', endpoint: 'x' }, { id: 'b' }],
      instances: [{ template: 'press', asset: 'P1', prefix: 'P1' }],
    };
    const after = {
      connections: [{ id: 'b' }, { endpoint: 'y', id: 'a' }],
      instances: [
        { template: 'press', asset: 'P1', prefix: 'P1' },
        { template: 'press', asset: 'P2', prefix: 'P2' },
      ],
      templates: [],
    };
    const changes = diffConfigDocuments(before, after);
    expect(changes.map((c) => [c.kind, c.path, c.key])).toEqual([
      ['CHANGED', 'connections[1]', 'a'],
      ['ADDED', 'instances[1]', 'press · P2'],
    ]);
    expect(diffConfigDocuments(after, before).map((c) => c.kind)).toEqual(['CHANGED', 'REMOVED']);
    expect(diffConfigDocuments(before, before)).toEqual([]);
  });
});

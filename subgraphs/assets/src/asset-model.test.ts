import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '@plantgraph/auth';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { assetsSubgraph } from './subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
/** Asset ids by name; names are unique in this plant. */
const ids: Record<string, string> = {};
const tagIds: Record<string, string> = {};

const ENGINEER: Identity = { subject: 'engineer-1', role: 'engineer', sites: null };
const INTEGRATOR: Identity = { subject: 'integrator-1', role: 'integrator', sites: null };
const VIEWER: Identity = { subject: 'viewer-1', role: 'viewer', sites: null };
const dresdenEngineer = (): Identity => ({
  subject: 'dresden-engineer',
  role: 'engineer',
  sites: [ids['Dresden']!],
});

async function insertAsset(name: string, kind: string, parent?: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into asset (parent_id, kind, name, path)
     values ($1::uuid, $2, $3, coalesce((select path || '/' from asset where id = $1::uuid), '') || $3)
     returning id`,
    [parent ? ids[parent] : null, kind, name],
  );
  ids[name] = row!.id;
}

async function insertTag(asset: string, name: string, dataType = 'FLOAT'): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into tag (asset_id, name, data_type) values ($1, $2, $3) returning id`,
    [ids[asset], name, dataType],
  );
  tagIds[`${asset}.${name}`] = row!.id;
}

/** Everything the asset model stores, to show that a refused change wrote nothing. */
async function snapshot() {
  const assets = await database.sql.query(
    'select id, parent_id, kind, name, path, description, retired_at from asset order by id',
  );
  const tags = await database.sql.query(
    'select id, asset_id, name, data_type, unit, description, retired_at from tag order by id',
  );
  return { assets, tags };
}

/** Assets whose path is not their parent's path, '/', and their name. */
async function inconsistentPaths(): Promise<string[]> {
  const rows = await database.sql.query<{ path: string }>(
    `select a.path from asset a left join asset p on p.id = a.parent_id
      where a.path <> coalesce(p.path || '/', '') || a.name`,
  );
  return rows.map((row) => row.path);
}

async function pathOf(name: string): Promise<string> {
  const [row] = await database.sql.query<{ path: string }>('select path from asset where id = $1', [
    ids[name],
  ]);
  return row!.path;
}

/** The newest audit entry of an operation. */
async function lastAudit(operation: string) {
  const [row] = await database.sql.query<{
    actor: string;
    entity_type: string;
    entity_id: string | null;
    outcome: string;
    error_code: string | null;
  }>(
    `select actor, entity_type, entity_id, outcome, error_code from audit_log
      where operation = $1 order by time desc, id desc limit 1`,
    [operation],
  );
  return row;
}

const CREATE_ASSET = `mutation ($input: CreateAssetInput!) {
  createAsset(input: $input) { id name kind path description retiredAt parent { name } } }`;
const UPDATE_ASSET = `mutation ($id: ID!, $input: UpdateAssetInput!) {
  updateAsset(id: $id, input: $input) { id name path description parent { name } } }`;
const RETIRE_ASSET = `mutation ($id: ID!) { retireAsset(id: $id) { id retiredAt tags(includeRetired: true) { name retiredAt } } }`;
const CREATE_TAG = `mutation ($input: CreateTagInput!) {
  createTag(input: $input) { id name dataType unit description retiredAt asset { name } } }`;
const UPDATE_TAG = `mutation ($id: ID!, $input: UpdateTagInput!) {
  updateTag(id: $id, input: $input) { id name dataType unit description } }`;
const RETIRE_TAG = `mutation ($id: ID!) { retireTag(id: $id) { id retiredAt } }`;

interface CreatedAsset {
  createAsset: { id: string; name: string; kind: string; path: string; retiredAt: string | null };
}

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await assetsSubgraph.buildSchema(), database.services);
});

/** A fresh plant for every test: Acme with the sites Dresden and Lyon. */
beforeEach(async () => {
  await database.sql.query('delete from tag');
  // Leaves first: parents are kept by `on delete restrict`.
  for (const kind of ['EQUIPMENT', 'CELL', 'LINE', 'AREA', 'SITE', 'ENTERPRISE']) {
    await database.sql.query('delete from asset where kind = $1', [kind]);
  }
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Dresden', 'SITE', 'Acme');
  await insertAsset('Body Shop', 'AREA', 'Dresden');
  await insertAsset('Paint Shop', 'AREA', 'Dresden');
  await insertAsset('Line 1', 'LINE', 'Body Shop');
  await insertAsset('Cell 1', 'CELL', 'Line 1');
  await insertAsset('Press 1', 'EQUIPMENT', 'Line 1');
  await insertAsset('Robot 1', 'EQUIPMENT', 'Cell 1');
  await insertAsset('Lyon', 'SITE', 'Acme');
  await insertAsset('Assembly', 'AREA', 'Lyon');
  await insertAsset('Line 9', 'LINE', 'Assembly');
  await insertTag('Press 1', 'Force');
  await insertTag('Press 1', 'Status', 'STRING');
  await insertTag('Line 9', 'Speed');
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('createAsset', () => {
  it('places an asset under its parent, with the path below it, and audits the change', async () => {
    const { data, errors } = await client.execute<CreatedAsset>(
      CREATE_ASSET,
      { input: { parentId: ids['Paint Shop'], kind: 'LINE', name: 'Line 7', description: 'Top' } },
      ENGINEER,
    );
    expect(errors).toBeUndefined();
    expect(data?.createAsset).toMatchObject({
      name: 'Line 7',
      kind: 'LINE',
      path: 'Acme/Dresden/Paint Shop/Line 7',
      description: 'Top',
      retiredAt: null,
      parent: { name: 'Paint Shop' },
    });
    expect(await lastAudit('createAsset')).toEqual({
      actor: 'engineer-1',
      entity_type: 'Asset',
      entity_id: data!.createAsset.id,
      outcome: 'OK',
      error_code: null,
    });
  });

  it('creates an enterprise at the root', async () => {
    const { data, errors } = await client.execute<CreatedAsset>(
      CREATE_ASSET,
      { input: { kind: 'ENTERPRISE', name: 'Globex' } },
      ENGINEER,
    );
    expect(errors).toBeUndefined();
    expect(data?.createAsset.path).toBe('Globex');
  });
});

describe('updateAsset', () => {
  it('moves an asset with its whole subtree, rewriting every path below', async () => {
    const { data, errors } = await client.execute<{
      updateAsset: { path: string; parent: { name: string } };
    }>(UPDATE_ASSET, { id: ids['Line 1'], input: { parentId: ids['Paint Shop'] } }, ENGINEER);
    expect(errors).toBeUndefined();
    expect(data?.updateAsset).toMatchObject({
      path: 'Acme/Dresden/Paint Shop/Line 1',
      parent: { name: 'Paint Shop' },
    });
    expect(await pathOf('Robot 1')).toBe('Acme/Dresden/Paint Shop/Line 1/Cell 1/Robot 1');
    expect(await inconsistentPaths()).toEqual([]);

    // Reads see the new place at once; the old path names nothing any more.
    const read = await client.execute<{
      assetByPath: { id: string; descendants: { path: string }[]; tags: { name: string }[] };
    }>(`{ assetByPath(path: "Acme/Dresden/Paint Shop/Line 1/Press 1") {
          id descendants { path } tags { name } } }`);
    expect(read.data?.assetByPath).toEqual({
      id: ids['Press 1'],
      descendants: [],
      tags: [{ name: 'Force' }, { name: 'Status' }],
    });
    const old = await client.execute(
      `{ assetByPath(path: "Acme/Dresden/Body Shop/Line 1") { id } }`,
    );
    expect(old.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const listed = await client.execute<{ assets: { edges: { node: { path: string } }[] } }>(
      `query ($under: ID!) { assets(under: $under) { edges { node { path } } } }`,
      { under: ids['Paint Shop'] },
    );
    expect(listed.data?.assets.edges.map((edge) => edge.node.path)).toEqual([
      'Acme/Dresden/Paint Shop',
      'Acme/Dresden/Paint Shop/Line 1',
      'Acme/Dresden/Paint Shop/Line 1/Cell 1',
      'Acme/Dresden/Paint Shop/Line 1/Cell 1/Robot 1',
      'Acme/Dresden/Paint Shop/Line 1/Press 1',
    ]);
  });

  it('renames and describes; a renamed site takes every path below along', async () => {
    const { data, errors } = await client.execute<{
      updateAsset: { name: string; path: string; description: string | null };
    }>(
      UPDATE_ASSET,
      { id: ids['Dresden'], input: { name: 'Dresden-Nord', description: 'Plant 2' } },
      ENGINEER,
    );
    expect(errors).toBeUndefined();
    expect(data?.updateAsset).toMatchObject({
      name: 'Dresden-Nord',
      path: 'Acme/Dresden-Nord',
      description: 'Plant 2',
    });
    expect(await pathOf('Robot 1')).toBe('Acme/Dresden-Nord/Body Shop/Line 1/Cell 1/Robot 1');
    expect(await inconsistentPaths()).toEqual([]);
    // Omitted fields stay, null clears the description.
    const cleared = await client.execute<{ updateAsset: { name: string; description: null } }>(
      UPDATE_ASSET,
      { id: ids['Dresden'], input: { description: null } },
      ENGINEER,
    );
    expect(cleared.data?.updateAsset).toMatchObject({ name: 'Dresden-Nord', description: null });
  });

  it('moves equipment from a line into a cell of it', async () => {
    const { errors } = await client.execute(
      UPDATE_ASSET,
      { id: ids['Press 1'], input: { parentId: ids['Cell 1'] } },
      ENGINEER,
    );
    expect(errors).toBeUndefined();
    expect(await pathOf('Press 1')).toBe('Acme/Dresden/Body Shop/Line 1/Cell 1/Press 1');
  });

  it('keeps every path consistent when moves and creations below them run at once', async () => {
    const results = await Promise.all([
      client.execute(
        UPDATE_ASSET,
        { id: ids['Line 1'], input: { parentId: ids['Paint Shop'] } },
        ENGINEER,
      ),
      ...['A', 'B', 'C'].map((name) =>
        client.execute(
          CREATE_ASSET,
          { input: { parentId: ids['Cell 1'], kind: 'EQUIPMENT', name: `Robot ${name}` } },
          ENGINEER,
        ),
      ),
      client.execute(UPDATE_ASSET, { id: ids['Cell 1'], input: { name: 'Cell 1a' } }, ENGINEER),
    ]);
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    expect(await inconsistentPaths()).toEqual([]);
    expect(await pathOf('Robot 1')).toBe('Acme/Dresden/Paint Shop/Line 1/Cell 1a/Robot 1');
  });
});

describe('bad input', () => {
  const unknown = '00000000-0000-4000-8000-000000000000';
  it.each([
    [
      'an unknown parent',
      CREATE_ASSET,
      () => ({ input: { parentId: unknown, kind: 'LINE', name: 'X' } }),
      'NOT_FOUND',
      'input.parentId',
    ],
    [
      'a malformed parent id',
      CREATE_ASSET,
      () => ({ input: { parentId: 'nope', kind: 'LINE', name: 'X' } }),
      'BAD_USER_INPUT',
      'input.parentId',
    ],
    [
      'a LINE under a SITE',
      CREATE_ASSET,
      () => ({ input: { parentId: ids['Dresden'], kind: 'LINE', name: 'X' } }),
      'BAD_USER_INPUT',
      'input.kind',
    ],
    [
      'a SITE at the root',
      CREATE_ASSET,
      () => ({ input: { kind: 'SITE', name: 'Nowhere' } }),
      'BAD_USER_INPUT',
      'input.kind',
    ],
    [
      'a name taken under the parent',
      CREATE_ASSET,
      () => ({ input: { parentId: ids['Dresden'], kind: 'AREA', name: 'Paint Shop' } }),
      'CONFLICT',
      'input.name',
    ],
    [
      'a name with a slash',
      CREATE_ASSET,
      () => ({ input: { parentId: ids['Dresden'], kind: 'AREA', name: 'A/B' } }),
      'BAD_USER_INPUT',
      'input.name',
    ],
    [
      'a blank name',
      CREATE_ASSET,
      () => ({ input: { parentId: ids['Dresden'], kind: 'AREA', name: '  ' } }),
      'BAD_USER_INPUT',
      'input.name',
    ],
    [
      'a move below its own descendant',
      UPDATE_ASSET,
      () => ({ id: ids['Line 1'], input: { parentId: ids['Cell 1'] } }),
      'BAD_USER_INPUT',
      'input.parentId',
    ],
    [
      'a move under itself',
      UPDATE_ASSET,
      () => ({ id: ids['Body Shop'], input: { parentId: ids['Body Shop'] } }),
      'BAD_USER_INPUT',
      'input.parentId',
    ],
    [
      'a move to a parent of the wrong kind',
      UPDATE_ASSET,
      () => ({ id: ids['Line 1'], input: { parentId: ids['Dresden'] } }),
      'BAD_USER_INPUT',
      'input.parentId',
    ],
    [
      'a move to another site',
      UPDATE_ASSET,
      () => ({ id: ids['Line 1'], input: { parentId: ids['Assembly'] } }),
      'BAD_USER_INPUT',
      'input.parentId',
    ],
    [
      'a move to an unknown parent',
      UPDATE_ASSET,
      () => ({ id: ids['Line 1'], input: { parentId: unknown } }),
      'NOT_FOUND',
      'input.parentId',
    ],
    [
      'a rename to a sibling name',
      UPDATE_ASSET,
      () => ({ id: ids['Body Shop'], input: { name: 'Paint Shop' } }),
      'CONFLICT',
      'input.name',
    ],
    [
      'a null name',
      UPDATE_ASSET,
      () => ({ id: ids['Body Shop'], input: { name: null } }),
      'BAD_USER_INPUT',
      'input.name',
    ],
    [
      'an unknown asset',
      UPDATE_ASSET,
      () => ({ id: unknown, input: { name: 'X' } }),
      'NOT_FOUND',
      'id',
    ],
    [
      'a tag name taken on the asset',
      CREATE_TAG,
      () => ({ input: { assetId: ids['Press 1'], name: 'Force', dataType: 'FLOAT' } }),
      'CONFLICT',
      'input.name',
    ],
    [
      'a tag of an unknown asset',
      CREATE_TAG,
      () => ({ input: { assetId: unknown, name: 'T', dataType: 'FLOAT' } }),
      'NOT_FOUND',
      'input.assetId',
    ],
    [
      'a numeric tag turned STRING',
      UPDATE_TAG,
      () => ({ id: tagIds['Press 1.Force'], input: { dataType: 'STRING' } }),
      'BAD_USER_INPUT',
      'input.dataType',
    ],
    [
      'a numeric tag turned JSON',
      UPDATE_TAG,
      () => ({ id: tagIds['Press 1.Force'], input: { dataType: 'JSON' } }),
      'BAD_USER_INPUT',
      'input.dataType',
    ],
    [
      'a tag renamed to a taken name',
      UPDATE_TAG,
      () => ({ id: tagIds['Press 1.Force'], input: { name: 'Status' } }),
      'CONFLICT',
      'input.name',
    ],
    [
      'an empty unit',
      UPDATE_TAG,
      () => ({ id: tagIds['Press 1.Force'], input: { unit: '' } }),
      'BAD_USER_INPUT',
      'input.unit',
    ],
  ] as const)(
    'refuses %s with a coded error naming the field, writing nothing but the audit entry',
    async (_, document, variables, code, argument) => {
      const before = await snapshot();
      const { data, errors } = await client.execute(document, variables(), ENGINEER);
      expect(data ?? null).toBeNull();
      expect(errors?.[0]?.extensions).toMatchObject({ code, argument });
      expect(errors?.[0]?.message).toContain(`"${argument}"`);
      expect(await snapshot()).toEqual(before);
      const field = /\{\s*(\w+)\(/.exec(document)![1]!;
      expect(await lastAudit(field)).toMatchObject({ outcome: 'ERROR', error_code: code });
    },
  );

  it('says where a kind belongs and which site a move may not leave', async () => {
    const placed = await client.execute(
      CREATE_ASSET,
      { input: { parentId: ids['Dresden'], kind: 'LINE', name: 'X' } },
      ENGINEER,
    );
    expect(placed.errors?.[0]?.message).toBe(
      'Argument "input.kind": a LINE belongs under an AREA, not under a SITE',
    );
    const moved = await client.execute(
      UPDATE_ASSET,
      { id: ids['Line 1'], input: { parentId: ids['Assembly'] } },
      ENGINEER,
    );
    expect(moved.errors?.[0]?.message).toMatch(/outside the site "Acme\/Dresden"/);
  });
});

describe('retiring', () => {
  it('refuses an asset with active children, naming them', async () => {
    const before = await snapshot();
    const { errors } = await client.execute(RETIRE_ASSET, { id: ids['Line 1'] }, ENGINEER);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', argument: 'id' });
    expect(errors?.[0]?.message).toBe(
      'Asset "Acme/Dresden/Body Shop/Line 1" has active children ("Cell 1", "Press 1"): retire them first',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('retires an asset with its tags: out of lists, still readable, name kept', async () => {
    const { data, errors } = await client.execute<{
      retireAsset: { retiredAt: Date; tags: { name: string; retiredAt: Date }[] };
    }>(RETIRE_ASSET, { id: ids['Press 1'] }, ENGINEER);
    expect(errors).toBeUndefined();
    const { retiredAt, tags } = data!.retireAsset;
    expect(retiredAt).toBeTruthy();
    expect(tags.map((tag) => [tag.name, tag.retiredAt])).toEqual([
      ['Force', retiredAt],
      ['Status', retiredAt],
    ]);

    const read = await client.execute<{
      asset: {
        children: { name: string }[];
        all: { name: string }[];
        descendants: { name: string }[];
      };
      assets: { totalCount: number };
      everything: { totalCount: number };
      press: { name: string; retiredAt: Date; tags: unknown[]; allTags: unknown[] };
    }>(
      `query ($line: ID!, $press: ID!) {
        asset(id: $line) { children { name } all: children(includeRetired: true) { name }
          descendants(kind: EQUIPMENT) { name } }
        assets(kind: EQUIPMENT) { totalCount }
        everything: assets(kind: EQUIPMENT, includeRetired: true) { totalCount }
        press: asset(id: $press) { name retiredAt tags { name } allTags: tags(includeRetired: true) { name } } }`,
      { line: ids['Line 1'], press: ids['Press 1'] },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({
      asset: {
        children: [{ name: 'Cell 1' }],
        all: [{ name: 'Cell 1' }, { name: 'Press 1' }],
        descendants: [{ name: 'Robot 1' }],
      },
      assets: { totalCount: 1 },
      everything: { totalCount: 2 },
      press: {
        name: 'Press 1',
        retiredAt,
        tags: [],
        allTags: [{ name: 'Force' }, { name: 'Status' }],
      },
    });

    // Retiring again changes nothing; the name stays taken; nothing goes below it.
    const again = await client.execute<{ retireAsset: { retiredAt: Date } }>(
      RETIRE_ASSET,
      { id: ids['Press 1'] },
      ENGINEER,
    );
    expect(again.data?.retireAsset.retiredAt).toEqual(retiredAt);
    const taken = await client.execute(
      CREATE_ASSET,
      { input: { parentId: ids['Line 1'], kind: 'EQUIPMENT', name: 'Press 1' } },
      ENGINEER,
    );
    expect(taken.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      argument: 'input.name',
    });
    expect(taken.errors?.[0]?.message).toMatch(/retired; rename it/);
    const onRetired = await client.execute(
      CREATE_TAG,
      { input: { assetId: ids['Press 1'], name: 'New', dataType: 'FLOAT' } },
      ENGINEER,
    );
    expect(onRetired.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.assetId',
    });
  });

  it('retires a subtree bottom up', async () => {
    for (const name of ['Robot 1', 'Cell 1', 'Press 1', 'Line 1']) {
      const { errors } = await client.execute(RETIRE_ASSET, { id: ids[name] }, ENGINEER);
      expect(errors).toBeUndefined();
    }
    const under = await client.execute(
      CREATE_ASSET,
      { input: { parentId: ids['Line 1'], kind: 'EQUIPMENT', name: 'Press 2' } },
      ENGINEER,
    );
    expect(under.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.parentId',
    });
    expect(under.errors?.[0]?.message).toContain('is retired');
  });
});

describe('tags', () => {
  it('turns a STRING tag into a JSON tag: both keep their values as text', async () => {
    const created = await client.execute<{ createTag: { id: string } }>(
      CREATE_TAG,
      { input: { assetId: ids['Press 1'], name: 'Spindle', dataType: 'STRING' } },
      ENGINEER,
    );
    expect(created.errors).toBeUndefined();
    const updated = await client.execute<{ updateTag: { dataType: string } }>(
      UPDATE_TAG,
      { id: created.data!.createTag.id, input: { dataType: 'JSON' } },
      ENGINEER,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateTag.dataType).toBe('JSON');
  });

  it('creates, edits and retires a tag, each change in Tag.changes', async () => {
    const created = await client.execute<{ createTag: { id: string } }>(
      CREATE_TAG,
      {
        input: {
          assetId: ids['Press 1'],
          name: 'Temperature',
          dataType: 'FLOAT',
          unit: '°C',
          description: 'Oil',
        },
      },
      ENGINEER,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createTag.id;
    const updated = await client.execute<{ updateTag: Record<string, unknown> }>(
      UPDATE_TAG,
      { id, input: { name: 'Oil Temperature', dataType: 'INTEGER', unit: null } },
      ENGINEER,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateTag).toEqual({
      id,
      name: 'Oil Temperature',
      dataType: 'INTEGER',
      unit: null,
      description: 'Oil',
    });
    const retired = await client.execute<{ retireTag: { retiredAt: string | null } }>(
      RETIRE_TAG,
      { id },
      ENGINEER,
    );
    expect(retired.data?.retireTag.retiredAt).toBeTruthy();

    const { data, errors } = await client.execute<{
      asset: { tags: { name: string }[] };
      tag: {
        changes: { edges: { node: { operation: string; actor: string; outcome: string } }[] };
      };
    }>(
      `query ($asset: ID!, $tag: ID!) { asset(id: $asset) { tags { name } }
        tag(id: $tag) { changes { edges { node { operation actor outcome } } } } }`,
      { asset: ids['Press 1'], tag: id },
      ENGINEER,
    );
    expect(errors).toBeUndefined();
    expect(data?.asset.tags.map((tag) => tag.name)).toEqual(['Force', 'Status']);
    expect(data?.tag.changes.edges.map((edge) => edge.node)).toEqual([
      { operation: 'retireTag', actor: 'engineer-1', outcome: 'OK' },
      { operation: 'updateTag', actor: 'engineer-1', outcome: 'OK' },
      { operation: 'createTag', actor: 'engineer-1', outcome: 'OK' },
    ]);
  });
});

describe('Asset.changes', () => {
  it('lists the changes of an asset newest first, refused ones included', async () => {
    await client.execute(UPDATE_ASSET, { id: ids['Line 1'], input: { name: 'Line 1a' } }, ENGINEER);
    await client.execute(UPDATE_ASSET, { id: ids['Line 1'], input: { name: 'Cell 1' } }, ENGINEER);
    await client.execute(RETIRE_ASSET, { id: ids['Line 1'] }, INTEGRATOR);
    const { data, errors } = await client.execute<{
      asset: {
        changes: {
          edges: {
            node: { operation: string; outcome: string; errorCode: string | null; input: unknown };
          }[];
        };
      };
    }>(
      `query ($id: ID!) { asset(id: $id) { changes(first: 3) {
          edges { node { operation outcome errorCode input } } } } }`,
      { id: ids['Line 1'] },
      ENGINEER,
    );
    expect(errors).toBeUndefined();
    expect(data?.asset.changes.edges.map((edge) => edge.node)).toEqual([
      {
        operation: 'retireAsset',
        outcome: 'DENIED',
        errorCode: 'FORBIDDEN',
        input: { id: ids['Line 1'] },
      },
      {
        operation: 'updateAsset',
        outcome: 'OK',
        errorCode: null,
        input: { id: ids['Line 1'], input: { name: 'Cell 1' } },
      },
      {
        operation: 'updateAsset',
        outcome: 'OK',
        errorCode: null,
        input: { id: ids['Line 1'], input: { name: 'Line 1a' } },
      },
    ]);
  });

  it('is for engineers: a viewer gets FORBIDDEN and no entries', async () => {
    const { data, errors } = await client.execute<{ asset: { changes: unknown } }>(
      `query ($id: ID!) { asset(id: $id) { name changes { edges { node { id } } } } }`,
      { id: ids['Line 1'] },
      VIEWER,
    );
    expect(data?.asset.changes).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(errors?.[0]?.message).toMatch(/Asset.changes needs the role engineer/);
  });
});

describe('who may change the model', () => {
  it('refuses roles below engineer, auditing the refusal', async () => {
    const before = await snapshot();
    const { errors } = await client.execute(
      CREATE_ASSET,
      { input: { parentId: ids['Paint Shop'], kind: 'LINE', name: 'Line 8' } },
      INTEGRATOR,
    );
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(errors?.[0]?.message).toBe('createAsset needs the role engineer or higher');
    expect(await snapshot()).toEqual(before);
    expect(await lastAudit('createAsset')).toMatchObject({
      actor: 'integrator-1',
      outcome: 'DENIED',
      error_code: 'FORBIDDEN',
    });
  });

  it('lets an engineer limited to a site change only what lies in it', async () => {
    const inside = await client.execute<CreatedAsset>(
      CREATE_ASSET,
      { input: { parentId: ids['Paint Shop'], kind: 'LINE', name: 'Line 8' } },
      dresdenEngineer(),
    );
    expect(inside.errors).toBeUndefined();
    expect(inside.data?.createAsset.path).toBe('Acme/Dresden/Paint Shop/Line 8');
    const renamed = await client.execute(
      UPDATE_ASSET,
      { id: ids['Line 1'], input: { parentId: ids['Paint Shop'] } },
      dresdenEngineer(),
    );
    expect(renamed.errors).toBeUndefined();

    const before = await snapshot();
    const refusals = [
      [
        CREATE_ASSET,
        { input: { parentId: ids['Assembly'], kind: 'LINE', name: 'L' } },
        'input.parentId',
      ],
      [CREATE_ASSET, { input: { kind: 'ENTERPRISE', name: 'Globex' } }, 'input.parentId'],
      [
        CREATE_ASSET,
        { input: { parentId: ids['Acme'], kind: 'SITE', name: 'Paris' } },
        'input.parentId',
      ],
      [UPDATE_ASSET, { id: ids['Line 9'], input: { name: 'Line 10' } }, 'id'],
      [RETIRE_ASSET, { id: ids['Line 9'] }, 'id'],
      [
        CREATE_TAG,
        { input: { assetId: ids['Line 9'], name: 'T', dataType: 'FLOAT' } },
        'input.assetId',
      ],
      [UPDATE_TAG, { id: tagIds['Line 9.Speed'], input: { unit: 'm/min' } }, 'id'],
      [RETIRE_TAG, { id: tagIds['Line 9.Speed'] }, 'id'],
    ] as const;
    for (const [document, variables, argument] of refusals) {
      const { errors } = await client.execute(document, variables, dresdenEngineer());
      expect(errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({
        code: 'FORBIDDEN',
        argument,
      });
    }
    expect(await snapshot()).toEqual(before);
    expect(await lastAudit('retireTag')).toMatchObject({
      outcome: 'DENIED',
      error_code: 'FORBIDDEN',
    });
  });
});

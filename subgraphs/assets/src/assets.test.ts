import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { assetsSubgraph } from './subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;
const ids: Record<string, string> = {};

async function insertAsset(name: string, kind: string, parent?: string): Promise<string> {
  const parentPath = parent
    ? (
        await database.sql.query<{ path: string }>('select path from asset where id = $1', [
          ids[parent],
        ])
      )[0]!.path
    : null;
  const [row] = await database.sql.query<{ id: string }>(
    'insert into asset (parent_id, kind, name, path) values ($1, $2, $3, $4) returning id',
    [parent ? ids[parent] : null, kind, name, parentPath ? `${parentPath}/${name}` : name],
  );
  ids[name] = row!.id;
  return row!.id;
}

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await assetsSubgraph.buildSchema(), database.services);
  await insertAsset('Acme', 'ENTERPRISE');
  await insertAsset('Dresden', 'SITE', 'Acme');
  await insertAsset('Body_Shop', 'AREA', 'Dresden');
  await insertAsset('Line 1', 'LINE', 'Body_Shop');
  await insertAsset('Press 1', 'EQUIPMENT', 'Line 1');
  await insertAsset('Press 2', 'EQUIPMENT', 'Line 1');
  await insertAsset('Lyon', 'SITE', 'Acme');
  await insertAsset('BodyXShop', 'AREA', 'Lyon');
  await database.sql.query(
    `insert into tag (asset_id, name, data_type, unit) values ($1, 'Force', 'FLOAT', 'kN'), ($1, 'Count', 'INTEGER', null)`,
    [ids['Press 1']],
  );
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('assets subgraph', () => {
  it('walks the hierarchy both ways', async () => {
    const { data, errors } = await client.execute<{ asset: Record<string, unknown> }>(
      `query ($id: ID!) { asset(id: $id) { name path kind parent { name }
          ancestors { name } children { name } descendants(kind: EQUIPMENT) { name }
          tags { name dataType unit asset { name } } } }`,
      { id: ids['Line 1'] },
    );
    expect(errors).toBeUndefined();
    expect(data?.asset).toEqual({
      name: 'Line 1',
      path: 'Acme/Dresden/Body_Shop/Line 1',
      kind: 'LINE',
      parent: { name: 'Body_Shop' },
      ancestors: [{ name: 'Acme' }, { name: 'Dresden' }, { name: 'Body_Shop' }],
      children: [{ name: 'Press 1' }, { name: 'Press 2' }],
      descendants: [{ name: 'Press 1' }, { name: 'Press 2' }],
      tags: [],
    });
  });

  it('treats LIKE wildcards in names literally when filtering a subtree', async () => {
    const { data } = await client.execute<{
      assets: { totalCount: number; edges: { node: { name: string } }[] };
    }>(`query ($under: ID!) { assets(under: $under) { totalCount edges { node { name } } } }`, {
      under: ids['Body_Shop'],
    });
    expect(data?.assets.edges.map((edge) => edge.node.name)).toEqual([
      'Body_Shop',
      'Line 1',
      'Press 1',
      'Press 2',
    ]);
    expect(data?.assets.totalCount).toBe(4);
  });

  it('pages with cursors and reports the total', async () => {
    const first = await client.execute<{
      assets: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { name: string } }[];
      };
    }>(
      `{ assets(kind: EQUIPMENT, first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`,
    );
    expect(first.data?.assets.totalCount).toBe(2);
    expect(first.data?.assets.pageInfo.hasNextPage).toBe(true);
    const second = await client.execute<{
      assets: { pageInfo: { hasNextPage: boolean }; edges: { node: { name: string } }[] };
    }>(
      `query ($after: String) { assets(kind: EQUIPMENT, first: 1, after: $after) { pageInfo { hasNextPage } edges { node { name } } } }`,
      { after: first.data?.assets.pageInfo.endCursor },
    );
    expect(second.data?.assets.edges.map((edge) => edge.node.name)).toEqual(['Press 2']);
    expect(second.data?.assets.pageInfo.hasNextPage).toBe(false);
  });

  it('finds an asset by path and a tag by id', async () => {
    const { data } = await client.execute<{
      assetByPath: { id: string; tags: { id: string; name: string }[] };
    }>(`{ assetByPath(path: "Acme/Dresden/Body_Shop/Line 1/Press 1") { id tags { id name } } }`);
    expect(data?.assetByPath.id).toBe(ids['Press 1']);
    expect(data?.assetByPath.tags.map((tag) => tag.name)).toEqual(['Count', 'Force']);
  });

  it('reports the storage backend and applied migrations', async () => {
    const { data } = await client.execute<{
      platform: {
        storage: string;
        timescale: boolean;
        migrations: { name: string; checksum: string }[];
      };
    }>('{ platform { storage timescale migrations { name checksum } } }');
    expect(data?.platform.storage).toBe(
      database.sql.backend === 'embedded' ? 'EMBEDDED' : 'POSTGRES',
    );
    expect(data?.platform.timescale).toBe(database.capabilities.timescaleVersion !== null);
    expect(data?.platform.migrations[0]?.name).toMatch(/_foundation$/);
    expect(data?.platform.migrations[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports the TimescaleDB edition', async () => {
    const edition = async (services: typeof database.services) => {
      const edited = await SubgraphClient.start(await assetsSubgraph.buildSchema(), services);
      try {
        const { data, errors } = await edited.execute<{
          platform: { timescaleLicense: string | null };
        }>('{ platform { timescaleLicense } }');
        expect(errors).toBeUndefined();
        return data?.platform.timescaleLicense;
      } finally {
        await edited.stop();
      }
    };
    const { capabilities } = database;
    // The embedded PGlite build has the TSL features; a server reports what it runs.
    const expected =
      database.sql.backend === 'embedded'
        ? 'TIMESCALE'
        : (capabilities.timescaleLicense?.toUpperCase() ?? null);
    expect(await edition(database.services)).toBe(expected);
    const apache = { ...capabilities, timescaleLicense: 'apache' as const, tslFeatures: false };
    expect(await edition({ ...database.services, capabilities: apache })).toBe('APACHE');
    const plain = { ...capabilities, timescaleVersion: null, timescaleLicense: null };
    expect(await edition({ ...database.services, capabilities: plain })).toBeNull();
  });

  it.each([
    ['{ assets(first: 100000) { totalCount } }', 'BAD_USER_INPUT', /first/],
    ['{ assets(first: 0) { totalCount } }', 'BAD_USER_INPUT', /first/],
    ['{ assets(after: "not-a-cursor") { totalCount } }', 'BAD_USER_INPUT', /after/],
    ['{ asset(id: "nope") { name } }', 'BAD_USER_INPUT', /id/],
    ['{ asset(id: "00000000-0000-4000-8000-000000000000") { name } }', 'NOT_FOUND', /id/],
    [
      '{ assets(under: "00000000-0000-4000-8000-000000000000") { totalCount } }',
      'NOT_FOUND',
      /under/,
    ],
    ['{ assetByPath(path: "Acme/Nowhere") { name } }', 'NOT_FOUND', /path/],
    ['{ assets(kind: PLANET) { totalCount } }', 'GRAPHQL_VALIDATION_FAILED', /PLANET/],
  ])('rejects %s with %s', async (query, code, message) => {
    const { errors } = await client.execute(query);
    expect(errors?.[0]?.extensions?.code).toBe(code);
    expect(errors?.[0]?.message).toMatch(message);
    expect(JSON.stringify(errors)).not.toMatch(/stacktrace/i);
  });
});

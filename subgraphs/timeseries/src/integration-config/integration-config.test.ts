import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Identity } from '@plantgraph/graph';
import {
  insertConfigVersion,
  recordMappingLineage,
  type ConfigVersion,
  type TagMappingRecord,
} from '@plantgraph/integration-domain';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { timeseriesSubgraph } from '../subgraph.ts';

/**
 * The read side of the versioned integration configuration through the subgraph: versions, their
 * documents and differences, the lineage of a tag and the mapping behind each datapoint, and who
 * may see or change any of it. Versions are stored through the domain's own writers.
 */

let database: TestDatabase;
let client: SubgraphClient;
const assets: Record<string, string> = {};
const tags: Record<string, string> = {};
const versions: ConfigVersion[] = [];

const ENGINEER: Identity = { subject: 'engineer@plant.test', role: 'engineer', sites: null };
const VIEWER: Identity = { subject: 'viewer@plant.test', role: 'viewer', sites: null };
const scoped = (role: Identity['role'], site: string): Identity => ({
  subject: `${role}@${site.toLowerCase()}.test`,
  role,
  sites: [assets[site]!],
});

const FIRST = {
  connections: [{ kind: 'opcua', id: 'dresden-plc', endpoint: '${PLC_URL}' }],
  templates: [
    { id: 'press', tags: [{ tag: 'Motor Current', address: 'ns=2;s={prefix}.Current' }] },
  ],
  instances: [
    { template: 'press', asset: 'Dresden/Press 01', connection: 'dresden-plc', prefix: 'P1' },
  ],
};
const SECOND = {
  ...FIRST,
  templates: [
    {
      id: 'press',
      tags: [{ tag: 'Motor Current', address: 'ns=2;s={prefix}.MotorCurrent', scale: 0.1 }],
    },
  ],
};

async function insertAsset(name: string, kind: string, parent?: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into asset (parent_id, kind, name, path)
     values ($1, $2, $3, coalesce((select path || '/' from asset where id = $1), '') || $3::text)
     returning id`,
    [parent ? assets[parent] : null, kind, name],
  );
  assets[name] = row!.id;
}

async function insertTag(asset: string, name: string): Promise<void> {
  const [row] = await database.sql.query<{ id: string }>(
    `insert into tag (asset_id, name) values ($1, $2) returning id`,
    [assets[asset], name],
  );
  tags[asset] = row!.id;
}

const mapping = (tag: string, source: string, scale: number): TagMappingRecord => ({
  tagId: tags[tag]!,
  connection: 'dresden-plc',
  source,
  scale,
  offset: 0,
  deadband: 0,
  template: 'press',
  instance: 'Dresden/Press 01',
});

/** Stores a version and its mappings' lineage, as applying a document does. */
async function storeVersion(document: unknown, mappings: TagMappingRecord[], appliedBy: string) {
  const version = await database.sql.transaction(async (tx) => {
    const stored = await insertConfigVersion(tx, { document, comment: 'test', appliedBy });
    await recordMappingLineage(tx, stored.version, mappings);
    return stored;
  });
  versions.push(version);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const later = (version: ConfigVersion, ms: number) =>
  new Date(version.appliedAt.getTime() + ms).toISOString();

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);
  await insertAsset('Dresden', 'SITE');
  await insertAsset('Press 01', 'EQUIPMENT', 'Dresden');
  await insertAsset('Lyon', 'SITE');
  await insertTag('Press 01', 'Motor Current');
  await storeVersion(FIRST, [mapping('Press 01', 'ns=2;s=P1.Current', 1)], 'alice@plant.test');
  // Apart in time, so that samples between the versions have one mapping in force.
  await sleep(50);
  await storeVersion(
    SECOND,
    [mapping('Press 01', 'ns=2;s=P1.MotorCurrent', 0.1)],
    'bob@plant.test',
  );
  const [first, second] = versions as [ConfigVersion, ConfigVersion];
  const samples = [
    [new Date(first.appliedAt.getTime() - 60_000).toISOString(), 1],
    [later(first, 20), 2],
    [later(second, 20), 3],
  ] as const;
  for (const [time, value] of samples) {
    await database.sql.query(
      `insert into datapoint (time, tag_id, value, quality) values ($1, $2, $3, 'GOOD')`,
      [time, tags['Press 01'], value],
    );
  }
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

/** What a client receives over the wire (dates as strings). */
async function execute<T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
  caller: Identity = ENGINEER,
) {
  return JSON.parse(JSON.stringify(await client.execute<T>(query, variables, caller))) as {
    data?: T | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

/** Runs `fields` on the Press 01 tag through `_entities`. */
async function onTag<T>(fields: string, caller: Identity = ENGINEER) {
  return execute<{ _entities: (T | null)[] }>(
    `query ($representations: [_Any!]!) { _entities(representations: $representations) {
       ... on Tag { ${fields} } } }`,
    { representations: [{ __typename: 'Tag', id: tags['Press 01'] }] },
    caller,
  );
}

describe('integration configuration versions', () => {
  it('lists versions newest first, pages with first and before', async () => {
    const all = await execute<{ integrationConfigVersions: Record<string, unknown>[] }>(
      '{ integrationConfigVersions { version comment appliedBy digest } }',
    );
    expect(all.errors).toBeUndefined();
    expect(all.data?.integrationConfigVersions).toEqual([
      { version: 2, comment: 'test', appliedBy: 'bob@plant.test', digest: versions[1]!.digest },
      { version: 1, comment: 'test', appliedBy: 'alice@plant.test', digest: versions[0]!.digest },
    ]);
    const newest = await execute<{ integrationConfigVersions: { version: number }[] }>(
      '{ integrationConfigVersions(first: 1) { version } }',
    );
    expect(newest.data?.integrationConfigVersions).toEqual([{ version: 2 }]);
    const older = await execute<{ integrationConfigVersions: { version: number }[] }>(
      '{ integrationConfigVersions(before: 2) { version } }',
    );
    expect(older.data?.integrationConfigVersions).toEqual([{ version: 1 }]);
  });

  it('gives a listed version its YAML document and its changes on demand', async () => {
    const { data, errors } = await execute<{
      integrationConfigVersions: { version: number; document: string; changes: unknown[] }[];
    }>('{ integrationConfigVersions { version document changes { kind path } } }');
    expect(errors).toBeUndefined();
    const [second, first] = data!.integrationConfigVersions;
    expect(parse(second!.document)).toEqual(SECOND);
    expect(parse(first!.document)).toEqual(FIRST);
    // The first version's changes are against an empty configuration: everything is new.
    expect(first!.changes).toEqual([
      { kind: 'ADDED', path: 'connections[0]' },
      { kind: 'ADDED', path: 'templates[0]' },
      { kind: 'ADDED', path: 'instances[0]' },
    ]);
    expect(second!.changes).toEqual([{ kind: 'CHANGED', path: 'templates[0]' }]);
  });

  it('answers the current version, or one by number, with the document as written', async () => {
    const current = await execute<{ integrationConfig: { version: number; document: string } }>(
      '{ integrationConfig { version appliedAt document } }',
    );
    expect(current.errors).toBeUndefined();
    expect(current.data?.integrationConfig).toMatchObject({
      version: 2,
      appliedAt: versions[1]!.appliedAt.toISOString(),
    });
    // References stay unresolved: `${PLC_URL}` is what was stored, not its value.
    expect(current.data?.integrationConfig.document).toContain('endpoint: ${PLC_URL}');
    const first = await execute<{ integrationConfig: { version: number; changes: unknown[] } }>(
      '{ integrationConfig(version: 1) { version changes { kind section key } } }',
    );
    expect(first.data?.integrationConfig.version).toBe(1);
    expect(first.data?.integrationConfig.changes).toContainEqual({
      kind: 'ADDED',
      section: 'connections',
      key: 'dresden-plc',
    });
  });

  it('compares two versions either way, entries as JSON text', async () => {
    const forward = await execute<{ integrationConfigDiff: Record<string, unknown>[] }>(
      '{ integrationConfigDiff(from: 1, to: 2) { kind section key path before after } }',
    );
    expect(forward.errors).toBeUndefined();
    expect(forward.data?.integrationConfigDiff).toEqual([
      {
        kind: 'CHANGED',
        section: 'templates',
        key: 'press',
        path: 'templates[0]',
        before: expect.any(String),
        after: expect.any(String),
      },
    ]);
    const change = forward.data!.integrationConfigDiff[0]!;
    expect(JSON.parse(change.before as string)).toEqual(FIRST.templates[0]);
    expect(JSON.parse(change.after as string)).toEqual(SECOND.templates[0]);
    const back = await execute<{ integrationConfigDiff: { before: string; after: string }[] }>(
      '{ integrationConfigDiff(from: 2, to: 1) { before after } }',
    );
    expect(JSON.parse(back.data!.integrationConfigDiff[0]!.after)).toEqual(FIRST.templates[0]);
    const none = await execute('{ integrationConfigDiff(from: 2, to: 2) { kind } }');
    expect(none.data).toEqual({ integrationConfigDiff: [] });
  });

  it.each([
    ['{ integrationConfig(version: 99) { version } }', 'version'],
    ['{ integrationConfigDiff(from: 99, to: 1) { kind } }', 'from'],
    ['{ integrationConfigDiff(from: 1, to: 99) { kind } }', 'to'],
    ['mutation { rollbackIntegrationConfig(version: 99) { previousVersion } }', 'version'],
  ])('answers NOT_FOUND naming the argument for %s', async (query, argument) => {
    const { errors } = await execute(query);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument });
    expect(errors?.[0]?.message).toMatch(`IntegrationConfigVersion "99" does not exist`);
  });

  it.each([
    ['integrationConfig', '{ integrationConfig { version } }'],
    ['integrationConfigVersions', '{ integrationConfigVersions { version } }'],
    ['integrationConfigDiff', '{ integrationConfigDiff(from: 1, to: 2) { kind } }'],
  ])('refuses %s to a viewer and to a site-scoped engineer', async (field, query) => {
    const viewer = await execute(query, undefined, VIEWER);
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(viewer.errors?.[0]?.message).toBe(`${field} needs the role engineer or higher`);
    expect(JSON.stringify(viewer.data)).not.toContain('dresden-plc');
    const siteEngineer = await execute(query, undefined, scoped('engineer', 'Dresden'));
    expect(siteEngineer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(siteEngineer.errors?.[0]?.message).toMatch(/spans every site/);
  });
});

describe('changing the configuration: who may', () => {
  const APPLY = `mutation ($document: String!) {
    applyIntegrationConfig(document: $document, dryRun: true) { previousVersion } }`;

  it('refuses a viewer by the role table, before anything is read', async () => {
    const { errors } = await execute(APPLY, { document: '{}' }, VIEWER);
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(errors?.[0]?.message).toBe('applyIntegrationConfig needs the role engineer or higher');
  });

  it('refuses a site-scoped engineer, for apply and rollback, and audits the refusal', async () => {
    const caller = scoped('engineer', 'Dresden');
    const apply = await execute(APPLY, { document: '{}' }, caller);
    expect(apply.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(apply.errors?.[0]?.message).toMatch(
      /^applyIntegrationConfig: the integration configuration spans every site$/,
    );
    const rollback = await execute(
      'mutation { rollbackIntegrationConfig(version: 1) { previousVersion } }',
      undefined,
      caller,
    );
    expect(rollback.errors?.[0]?.message).toMatch(/spans every site/);
    const audited = await database.sql.query<{ operation: string; outcome: string }>(
      `select operation, outcome from audit_log where actor = $1 order by operation`,
      [caller.subject],
    );
    expect(audited).toEqual([
      { operation: 'applyIntegrationConfig', outcome: 'DENIED' },
      { operation: 'rollbackIntegrationConfig', outcome: 'DENIED' },
    ]);
    // Nothing was stored by either attempt.
    const [count] = await database.sql.query<{ n: number }>(
      'select count(*)::int as n from integration_config_version',
    );
    expect(count?.n).toBe(2);
  });
});

interface Period {
  source: string;
  scale: number;
  version: number;
  replacedByVersion: number | null;
  appliedBy: string;
  endedAt: string | null;
}
const PERIOD =
  'connection source scale template instance version replacedByVersion appliedBy endedAt';

describe('lineage', () => {
  it('lists the mappings that fed a tag in a window, and who applied them', async () => {
    const [first, second] = versions as [ConfigVersion, ConfigVersion];
    const { data, errors } = await onTag<{ lineage: Period[] }>(
      `lineage(from: "${later(first, -60_000)}", to: "${later(second, 60_000)}") { ${PERIOD} }`,
      VIEWER,
    );
    expect(errors).toBeUndefined();
    expect(data?._entities[0]?.lineage).toEqual([
      {
        connection: 'dresden-plc',
        source: 'ns=2;s=P1.Current',
        scale: 1,
        template: 'press',
        instance: 'Dresden/Press 01',
        version: 1,
        replacedByVersion: 2,
        appliedBy: 'alice@plant.test',
        endedAt: second.appliedAt.toISOString(),
      },
      {
        connection: 'dresden-plc',
        source: 'ns=2;s=P1.MotorCurrent',
        scale: 0.1,
        template: 'press',
        instance: 'Dresden/Press 01',
        version: 2,
        replacedByVersion: null,
        appliedBy: 'bob@plant.test',
        endedAt: null,
      },
    ]);
    const afterMove = await onTag<{ lineage: Period[] }>(
      `lineage(from: "${later(second, 1)}", to: "${later(second, 60_000)}") { source }`,
    );
    expect(afterMove.data?._entities[0]?.lineage).toEqual([{ source: 'ns=2;s=P1.MotorCurrent' }]);
  });

  it('refuses a window that ends before it starts', async () => {
    const { errors } = await onTag(
      'lineage(from: "2026-12-02T00:00:00Z", to: "2026-12-01T00:00:00Z") { source }',
    );
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'from' });
  });

  it("keeps to the caller's sites like the tag's other fields", async () => {
    const inside = await onTag<{ lineage: Period[] }>(
      `lineage(from: "${later(versions[0]!, -1)}", to: "${later(versions[1]!, 1)}") { source }`,
      scoped('viewer', 'Dresden'),
    );
    expect(inside.data?._entities[0]?.lineage).toHaveLength(2);
    const outside = await onTag<{ lineage: Period[] }>(
      `lineage(from: "${later(versions[0]!, -1)}", to: "${later(versions[1]!, 1)}") { source }`,
      scoped('viewer', 'Lyon'),
    );
    expect(outside.data?._entities).toEqual([null]);
  });

  it('names the mapping behind each datapoint of a page in one statement', async () => {
    const statements: string[] = [];
    const stop = database.sql.observe((statement) => statements.push(statement));
    const { data, errors } = await onTag<{
      history: { edges: { node: { value: number; source: Period | null } }[] };
      latest: { value: number; source: { version: number } | null };
    }>(
      `history(first: 10) { edges { node { value source { ${PERIOD} } } } }
       latest { value source { version } }`,
      VIEWER,
    ).finally(stop);
    expect(errors).toBeUndefined();
    const page = data!._entities[0]!;
    expect(page.history.edges.map(({ node }) => [node.value, node.source?.source ?? null])).toEqual(
      [
        [1, null],
        [2, 'ns=2;s=P1.Current'],
        [3, 'ns=2;s=P1.MotorCurrent'],
      ],
    );
    expect(page.history.edges[2]?.node.source).toMatchObject({ scale: 0.1, version: 2 });
    expect(page.latest).toEqual({ value: 3, source: { version: 2 } });
    // One statement answers every value of the page; `latest`, a field of its own, may resolve in
    // the same batch or the next, depending on which read returns first.
    const lineageReads = statements.filter((text) => text.includes('tag_mapping_lineage'));
    expect(lineageReads.length).toBeGreaterThanOrEqual(1);
    expect(lineageReads.length).toBeLessThanOrEqual(2);
  });

  it('answers the sources of a whole page with one statement', async () => {
    const statements: string[] = [];
    const stop = database.sql.observe((statement) => statements.push(statement));
    const { errors } = await onTag(
      'history(first: 10) { edges { node { value source { version } } } }',
      VIEWER,
    ).finally(stop);
    expect(errors).toBeUndefined();
    expect(statements.filter((text) => text.includes('tag_mapping_lineage'))).toHaveLength(1);
  });
});

describe('configuration versions of dead letters and connections', () => {
  it('reads the version a connector ran, null where none was reported', async () => {
    await database.sql.query(
      `insert into dead_letter (connection, address, payload, payload_size, reason, received_at,
         config_version)
       values ('dresden-plc', 'ns=2;s=P1.Current', convert_to('x', 'UTF8'), 1, 'no mapping',
               now(), 2),
              ('dresden-plc', 'ns=2;s=P1.Other', convert_to('y', 'UTF8'), 1, 'no mapping',
               now(), null)`,
    );
    await database.sql.query(
      `insert into connection_status (id, kind, endpoint, state, since, items, reported_at,
         messages_per_second, spool_depth, dead_letters, lost_messages, falling_behind,
         config_version)
       values ('dresden-plc', 'opcua', 'opc.tcp://plc:4840', 'CONNECTED', now(), 1, now(), 0, 0,
               2, 0, false, 2),
              ('lyon-broker', 'mqtt', 'mqtt://broker:1883', 'CONNECTED', now(), 1, now(), 0, 0,
               0, 0, false, null)`,
    );
    const { data, errors } = await execute<{
      deadLetters: { edges: { node: { address: string; configVersion: number | null } }[] };
      connections: { id: string; configVersion: number | null }[];
    }>(
      `{ deadLetters { edges { node { address configVersion } } }
         connections { id configVersion } }`,
    );
    expect(errors).toBeUndefined();
    expect(
      Object.fromEntries(
        data!.deadLetters.edges.map(({ node }) => [node.address, node.configVersion]),
      ),
    ).toEqual({ 'ns=2;s=P1.Current': 2, 'ns=2;s=P1.Other': null });
    expect(data?.connections).toEqual([
      { id: 'dresden-plc', configVersion: 2 },
      { id: 'lyon-broker', configVersion: null },
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Identity } from '@plantgraph/graph';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { timeseriesSubgraph } from '../subgraph.ts';

/**
 * Applying and rolling back the integration configuration through the subgraph: what is stored,
 * who is recorded, what an invalid document answers. Each test builds on the versions before it.
 */

let database: TestDatabase;
let client: SubgraphClient;

const ENGINEER: Identity = { subject: 'engineer@plant.test', role: 'engineer', sites: null };
/** Read where `${NAME}` references are checked; the stored document keeps the reference. */
const ENDPOINT_VARIABLE = 'PLANTGRAPH_TEST_PRESS_PLC_URL';

const document = (scale: number) => ({
  connections: [
    {
      kind: 'opcua',
      id: 'press-plc',
      endpoint: `\${${ENDPOINT_VARIABLE}}`,
      usernameEnv: 'PRESS_PLC_USER',
      passwordEnv: 'PRESS_PLC_PASSWORD',
    },
  ],
  templates: [
    {
      id: 'press',
      tags: [{ tag: 'Motor Current', address: 'ns=2;s={prefix}.Current', unit: 'A', scale }],
    },
  ],
  instances: [
    { template: 'press', asset: 'Apply Site/Press 01', connection: 'press-plc', prefix: 'P1' },
  ],
});

const RESULT = `previousVersion unchanged dryRun mappingsAdded mappingsRemoved mappingsChanged
  changes { kind path key }
  version { version comment appliedBy document }`;

const APPLY = `mutation ($document: String!, $dryRun: Boolean, $comment: String) {
  applyIntegrationConfig(document: $document, dryRun: $dryRun, comment: $comment) { ${RESULT} } }`;

const ROLLBACK = `mutation ($version: Int!, $dryRun: Boolean) {
  rollbackIntegrationConfig(version: $version, dryRun: $dryRun) { ${RESULT} } }`;

interface ApplyResult {
  previousVersion: number;
  unchanged: boolean;
  dryRun: boolean;
  mappingsAdded: number;
  mappingsRemoved: number;
  mappingsChanged: number;
  changes: { kind: string; path: string; key: string }[];
  version: { version: number; comment: string; appliedBy: string; document: string } | null;
}

async function execute<T>(query: string, variables: Record<string, unknown>) {
  return client.execute<T>(query, variables, ENGINEER);
}

const storedVersions = async () =>
  (
    await database.sql.query<{ version: number }>(
      'select version from integration_config_version order by version',
    )
  ).map((row) => row.version);

beforeAll(async () => {
  process.env.PLANTGRAPH_TEST_PRESS_PLC_URL = 'opc.tcp://press-plc:4840';
  database = await openTestDatabase();
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);
  const [site] = await database.sql.query<{ id: string }>(
    `insert into asset (kind, name, path) values ('SITE', 'Apply Site', 'Apply Site') returning id`,
  );
  await database.sql.query(
    `insert into asset (parent_id, kind, name, path)
     values ($1, 'EQUIPMENT', 'Press 01', 'Apply Site/Press 01')`,
    [site!.id],
  );
});

afterAll(async () => {
  delete process.env.PLANTGRAPH_TEST_PRESS_PLC_URL;
  await client?.stop();
  await database?.close();
});

describe('applyIntegrationConfig', () => {
  it('checks a document in a dry run and stores nothing', async () => {
    const { data, errors } = await execute<{ applyIntegrationConfig: ApplyResult }>(APPLY, {
      document: stringify(document(1)),
      dryRun: true,
    });
    expect(errors).toBeUndefined();
    expect(data?.applyIntegrationConfig).toEqual({
      previousVersion: 0,
      unchanged: false,
      dryRun: true,
      mappingsAdded: 1,
      mappingsRemoved: 0,
      mappingsChanged: 0,
      changes: [
        { kind: 'ADDED', path: 'connections[0]', key: 'press-plc' },
        { kind: 'ADDED', path: 'templates[0]', key: 'press' },
        { kind: 'ADDED', path: 'instances[0]', key: 'press · Apply Site/Press 01' },
      ],
      version: null,
    });
    expect(await storedVersions()).toEqual([]);
  });

  it('stores a version as the caller, references unresolved, and audits it', async () => {
    const { data, errors } = await execute<{ applyIntegrationConfig: ApplyResult }>(APPLY, {
      document: JSON.stringify(document(1)),
      comment: 'first presses',
    });
    expect(errors).toBeUndefined();
    const result = data!.applyIntegrationConfig;
    expect(result).toMatchObject({ previousVersion: 0, unchanged: false, mappingsAdded: 1 });
    expect(result.version).toMatchObject({
      version: 1,
      comment: 'first presses',
      appliedBy: ENGINEER.subject,
    });
    expect(result.version?.document).toContain(`endpoint: \${${ENDPOINT_VARIABLE}}`);
    expect(result.version?.document).not.toContain('opc.tcp://press-plc:4840');
    // The dry run before is audited too: every mutation is.
    const audited = await database.sql.query<{ actor: string; outcome: string; dry: string }>(
      `select actor, outcome, input->>'dryRun' as dry from audit_log
       where operation = 'applyIntegrationConfig' order by time`,
    );
    expect(audited).toEqual([
      { actor: ENGINEER.subject, outcome: 'OK', dry: 'true' },
      { actor: ENGINEER.subject, outcome: 'OK', dry: 'false' },
    ]);
  });

  it('stores nothing for a document equal to the current version', async () => {
    const { data } = await execute<{ applyIntegrationConfig: ApplyResult }>(APPLY, {
      document: stringify(document(1)),
    });
    expect(data?.applyIntegrationConfig).toMatchObject({
      previousVersion: 1,
      unchanged: true,
      changes: [],
      version: null,
    });
    expect(await storedVersions()).toEqual([1]);
  });

  it('records a changed mapping in the lineage of the provisioned tag', async () => {
    const { data } = await execute<{ applyIntegrationConfig: ApplyResult }>(APPLY, {
      document: stringify(document(0.1)),
    });
    expect(data?.applyIntegrationConfig).toMatchObject({
      previousVersion: 1,
      mappingsAdded: 0,
      mappingsRemoved: 0,
      mappingsChanged: 1,
      changes: [{ kind: 'CHANGED', path: 'templates[0]', key: 'press' }],
      version: { version: 2 },
    });
    const [tag] = await database.sql.query<{ id: string }>(
      `select t.id from tag t join asset a on a.id = t.asset_id
       where a.path = 'Apply Site/Press 01' and t.name = 'Motor Current'`,
    );
    const lineage = await client.execute<{
      _entities: { lineage: { scale: number; version: number; appliedBy: string }[] }[];
    }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on Tag { lineage(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") {
           scale version appliedBy } } } }`,
      { representations: [{ __typename: 'Tag', id: tag!.id }] },
      { subject: 'viewer@plant.test', role: 'viewer', sites: null },
    );
    expect(lineage.data?._entities[0]?.lineage).toEqual([
      { scale: 1, version: 1, appliedBy: ENGINEER.subject },
      { scale: 0.1, version: 2, appliedBy: ENGINEER.subject },
    ]);
  });

  it('answers BAD_USER_INPUT with every problem and stores nothing', async () => {
    const mapping = (connection: string, tag: string) => ({
      connection,
      asset: 'Apply Site/Press 01',
      tag,
      source: { nodeId: `ns=2;s=P1.${tag}` },
    });
    const invalid = {
      ...document(1),
      mappings: { tags: [mapping('elsewhere', 'Oil'), mapping('nowhere', 'Air')] },
    };
    const { data, errors } = await execute<{ applyIntegrationConfig: ApplyResult }>(APPLY, {
      document: stringify(invalid),
    });
    expect(data).toBeNull();
    const [error] = errors ?? [];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'document' });
    const problems = error?.extensions?.problems as string[];
    expect(problems).toEqual([
      expect.stringMatching(/^mappings\.tags\[0\]\.connection: .*"elsewhere"/),
      expect.stringMatching(/^mappings\.tags\[1\]\.connection: .*"nowhere"/),
    ]);
    expect(error?.message).toBe(`document: ${problems[0]} (and 1 more problem)`);
    expect(await storedVersions()).toEqual([1, 2]);
  });

  it('names an unknown template by the instance that uses it', async () => {
    const invalid = {
      ...document(1),
      instances: [{ ...document(1).instances[0], template: 'Press' }],
    };
    const { errors } = await execute(APPLY, { document: stringify(invalid) });
    const problems = errors?.[0]?.extensions?.problems as string[];
    expect(problems).toEqual([expect.stringMatching(/^instances\[0\]\.template: .*"Press"/)]);
    expect(errors?.[0]?.message).toBe(`document: ${problems[0]}`);
    expect(await storedVersions()).toEqual([1, 2]);
  });

  it('refuses text that is neither YAML nor JSON of a configuration', async () => {
    const { errors } = await execute(APPLY, { document: '- just\n- a list' });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toMatch(/^document: /);
  });
});

describe('rollbackIntegrationConfig', () => {
  it("applies an earlier version's document again as the next version", async () => {
    const dry = await execute<{ rollbackIntegrationConfig: ApplyResult }>(ROLLBACK, {
      version: 1,
      dryRun: true,
    });
    expect(dry.data?.rollbackIntegrationConfig).toMatchObject({
      dryRun: true,
      version: null,
      changes: [{ kind: 'CHANGED', path: 'templates[0]' }],
    });
    const { data, errors } = await execute<{ rollbackIntegrationConfig: ApplyResult }>(ROLLBACK, {
      version: 1,
    });
    expect(errors).toBeUndefined();
    expect(data?.rollbackIntegrationConfig).toMatchObject({
      previousVersion: 2,
      dryRun: false,
      mappingsChanged: 1,
      version: { version: 3, comment: 'rollback to version 1', appliedBy: ENGINEER.subject },
    });
    expect(await storedVersions()).toEqual([1, 2, 3]);
  });
});

import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  startLiveGraph,
  startLivePlant,
  type LiveGraph,
  type LivePlant,
} from './fixtures/live-plant.ts';

/**
 * The integration configuration changed while the plant runs, as a plant's engineer does it: the
 * live demo plant (simulators, broker, database) with its connectors following the stored
 * versions, and the gateway. A new template instance is applied through the graph and its machine
 * delivers without a restart; an address change and a rollback show in the tag's lineage and in
 * each datapoint's source; a connection whose settings change reconnects.
 */

const LINE_1 = 'Acme Manufacturing/Dresden/Body Shop/Line 1';
const TWIN = `${LINE_1}/Press 01 Twin`;
const PRESS_01_PREFIX = 'Dresden.BodyShop.Line1.Press01';

interface Document {
  connections: { id: string; kind: string; publishingIntervalMs?: number }[];
  instances: Record<string, unknown>[];
}

let plant: LivePlant;
let graph: LiveGraph;

async function request<T>(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(graph.url, {
    method: 'POST',
    headers: graph.headers,
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: T;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

const APPLY = `
  mutation Apply($document: String!, $comment: String) {
    applyIntegrationConfig(document: $document, comment: $comment) {
      version { version appliedBy }
      previousVersion
      unchanged
      changes { kind path key }
      mappingsAdded
      mappingsRemoved
    }
  }`;

interface Applied {
  applyIntegrationConfig: {
    version: { version: number; appliedBy: string } | null;
    previousVersion: number;
    unchanged: boolean;
    changes: { kind: string; path: string; key: string }[];
    mappingsAdded: number;
    mappingsRemoved: number;
  };
}

async function apply(document: Document, comment: string) {
  const result = await request<Applied>(APPLY, { document: JSON.stringify(document), comment });
  expect(result.errors).toBeUndefined();
  return result.data!.applyIntegrationConfig;
}

async function tagId(assetPath: string, name: string): Promise<string | undefined> {
  const [row] = await plant.database.sql.query<{ id: string }>(
    'select t.id from tag t join asset a on a.id = t.asset_id where a.path = $1 and t.name = $2',
    [assetPath, name],
  );
  return row?.id;
}

/** The newest datapoint of a tag stored after `after`. */
async function storedAfter(id: string, after: Date): Promise<Date | undefined> {
  const [row] = await plant.database.sql.query<{ time: Date | null }>(
    'select max(time) as time from datapoint where tag_id = $1 and time > $2',
    [id, after],
  );
  return row?.time ?? undefined;
}

const dresden = () => plant.runtime.connectors.find((c) => c.connectionId === 'dresden-opcua');

const withTwin = (document: Document, overrides?: Record<string, unknown>): Document => ({
  ...document,
  instances: [
    ...document.instances,
    {
      template: 'press-opcua',
      asset: TWIN,
      connection: 'dresden-opcua',
      prefix: PRESS_01_PREFIX,
      ...(overrides ? { overrides } : {}),
    },
  ],
});

beforeAll(async () => {
  plant = await startLivePlant('embedded', { versions: true });
  graph = await startLiveGraph(plant);
  const [line] = await plant.database.sql.query<{ id: string }>(
    'select id from asset where path = $1',
    [LINE_1],
  );
  const created = await request<{ createAsset: { path: string } }>(
    `mutation Twin($input: CreateAssetInput!) { createAsset(input: $input) { path } }`,
    { input: { parentId: line!.id, kind: 'EQUIPMENT', name: 'Press 01 Twin' } },
  );
  expect(created.data?.createAsset.path).toBe(TWIN);
});

afterAll(async () => {
  await graph?.close();
  await plant?.close();
});

describe('integration configuration applied while the plant runs', () => {
  const document = () => plant.document as Document;

  it('runs version 1, the stored demo configuration', async () => {
    const current = await request<{ integrationConfig: { version: number; appliedBy: string } }>(
      '{ integrationConfig { version appliedBy } }',
    );
    expect(current.data?.integrationConfig.version).toBe(1);
    expect(plant.runtime.configVersion).toBe(1);
  });

  it('a new template instance delivers within 10 s, without a restart', async () => {
    const connector = dresden();
    const appliedAt = new Date();
    const applied = await apply(withTwin(document()), 'press 01 twin');
    expect(applied.version?.version).toBe(2);
    expect(applied.changes).toEqual([
      {
        kind: 'ADDED',
        path: `instances[${document().instances.length}]`,
        key: `press-opcua · ${TWIN}`,
      },
    ]);
    expect(applied.mappingsAdded).toBeGreaterThan(10);
    expect(applied.mappingsRemoved).toBe(0);
    // The tags exist once the version is stored: applying provisions them.
    const motorCurrent = await tagId(TWIN, 'Motor Current');
    expect(motorCurrent).toBeDefined();
    await eventually(() => storedAfter(motorCurrent!, appliedAt), 10_000, 'twin datapoints');
    expect(plant.runtime.configVersion).toBe(2);
    // Nothing restarted: the same OPC UA connector runs, with more monitored items.
    expect(dresden()).toBe(connector);
  });

  it('an address change and a rollback show in the lineage and in each datapoint source', async () => {
    const motorCurrent = (await tagId(TWIN, 'Motor Current'))!;
    const moved = await apply(
      withTwin(document(), {
        'Motor Current': { address: `ns=2;s={prefix}.MotorTemperature` },
      }),
      'twin motor current from the temperature node',
    );
    expect(moved.version?.version).toBe(3);
    expect(moved.changes.map((change) => change.kind)).toEqual(['CHANGED']);
    const movedAt = new Date();
    await eventually(async () => plant.runtime.configVersion === 3, 10_000, 'version 3 running');
    await eventually(() => storedAfter(motorCurrent, movedAt), 10_000, 'datapoints after the move');

    const rollback = await request<{
      rollbackIntegrationConfig: { version: { version: number } };
    }>('mutation { rollbackIntegrationConfig(version: 2) { version { version } } }');
    expect(rollback.errors).toBeUndefined();
    expect(rollback.data?.rollbackIntegrationConfig.version.version).toBe(4);
    await eventually(async () => plant.runtime.configVersion === 4, 10_000, 'version 4 running');

    const lineage = await request<{
      tag: {
        lineage: {
          version: number;
          replacedByVersion: number | null;
          source: string;
          template: string;
          instance: string;
          appliedBy: string;
        }[];
        history: {
          edges: { node: { time: string; source: { version: number; source: string } | null } }[];
        };
      };
    }>(
      `query Lineage($id: ID!, $from: DateTime!, $to: DateTime!) {
        tag(id: $id) {
          lineage(from: $from, to: $to) {
            version replacedByVersion source template instance appliedBy
          }
          history(from: $from, to: $to, first: 1000) {
            edges { node { time source { version source } } }
          }
        }
      }`,
      {
        id: motorCurrent,
        from: new Date(Date.now() - 3_600_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
      },
    );
    expect(lineage.errors).toBeUndefined();
    const periods = lineage.data!.tag.lineage;
    expect(periods.map((p) => [p.version, p.replacedByVersion, p.source])).toEqual([
      [2, 3, `ns=2;s=${PRESS_01_PREFIX}.MotorCurrent`],
      [3, 4, `ns=2;s=${PRESS_01_PREFIX}.MotorTemperature`],
      [4, null, `ns=2;s=${PRESS_01_PREFIX}.MotorCurrent`],
    ]);
    expect(periods[0]).toMatchObject({ template: 'press-opcua', instance: TWIN });
    // Each stored value names the mapping in force when it was sampled.
    const sources = new Set(
      lineage.data!.tag.history.edges.map(
        ({ node }) => `${node.source?.version} ${node.source?.source}`,
      ),
    );
    expect(sources).toContain(`2 ns=2;s=${PRESS_01_PREFIX}.MotorCurrent`);
    expect(sources).toContain(`3 ns=2;s=${PRESS_01_PREFIX}.MotorTemperature`);
  });

  it('a connection whose settings change reconnects; the others keep running', async () => {
    const before = dresden();
    const sparkplug = plant.runtime.connectors.find((c) => c.connectionId === 'lyon-sparkplug');
    const changed = withTwin({
      ...document(),
      connections: document().connections.map((connection) =>
        connection.id === 'dresden-opcua'
          ? { ...connection, publishingIntervalMs: 250 }
          : connection,
      ),
    });
    const applied = await apply(changed, 'slower publishing for Dresden');
    expect(applied.changes.map((change) => [change.kind, change.key])).toEqual([
      ['CHANGED', 'dresden-opcua'],
    ]);
    const at = new Date();
    await eventually(async () => dresden() !== before, 10_000, 'dresden-opcua reconnected');
    expect(plant.runtime.connectors.find((c) => c.connectionId === 'lyon-sparkplug')).toBe(
      sparkplug,
    );
    const twin = (await tagId(TWIN, 'Motor Current'))!;
    await eventually(() => storedAfter(twin, at), 15_000, 'twin datapoints after reconnecting');
    await eventually(
      async () => {
        const [row] = await plant.database.sql.query<{ config_version: number }>(
          "select config_version from connection_status where id = 'dresden-opcua'",
        );
        return row?.config_version === applied.version!.version;
      },
      10_000,
      'connection status naming the version',
    );
  });

  it('dead letters name the version that refused them', async () => {
    const topic = `${plant.unsPrefix}acme/lyon/nowhere/probe`;
    const client = await connectAsync(plant.brokerUrl, { clientId: `probe-${Date.now()}` });
    try {
      await client.publishAsync(topic, 'not json', { qos: 1 });
    } finally {
      await client.endAsync();
    }
    const version = await eventually(
      async () => {
        const [row] = await plant.database.sql.query<{ config_version: number | null }>(
          'select config_version from dead_letter where address = $1',
          [topic],
        );
        return row ? { stored: row.config_version } : undefined;
      },
      10_000,
      'the dead letter',
    );
    expect(version.stored).toBe(plant.runtime.configVersion);
    expect(version.stored).toBeGreaterThan(1);
  });

  it('moving a machine moves it in the configuration too, in the same commit', async () => {
    const [line2] = await plant.database.sql.query<{ id: string }>(
      'select id from asset where path = $1',
      ['Acme Manufacturing/Dresden/Body Shop/Line 2'],
    );
    const [twin] = await plant.database.sql.query<{ id: string }>(
      'select id from asset where path = $1',
      [TWIN],
    );
    const before = plant.runtime.configVersion!;
    const moved = await request<{ updateAsset: { path: string } }>(
      `mutation Move($id: ID!, $input: UpdateAssetInput!) {
        updateAsset(id: $id, input: $input) { path }
      }`,
      { id: twin!.id, input: { parentId: line2!.id } },
    );
    expect(moved.errors).toBeUndefined();
    const movedTo = 'Acme Manufacturing/Dresden/Body Shop/Line 2/Press 01 Twin';
    expect(moved.data?.updateAsset.path).toBe(movedTo);

    const current = await request<{
      integrationConfig: { version: number; comment: string; document: string };
    }>('{ integrationConfig { version comment document } }');
    expect(current.data?.integrationConfig.version).toBe(before + 1);
    expect(current.data?.integrationConfig.comment).toBe(`asset moved: ${TWIN} → ${movedTo}`);
    expect(current.data?.integrationConfig.document).toContain(movedTo);
    expect(current.data?.integrationConfig.document).not.toContain(TWIN);

    const at = new Date();
    await eventually(async () => plant.runtime.configVersion === before + 1, 10_000, 'followed');
    const motorCurrent = (await tagId(movedTo, 'Motor Current'))!;
    await eventually(() => storedAfter(motorCurrent, at), 10_000, 'datapoints after the move');
  });
});

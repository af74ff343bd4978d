import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createApiKey, type Role } from '@plantgraph/auth';
import { EventBus } from '@plantgraph/bus';
import { testBroker, type TestBroker } from '@plantgraph/testing';
import { graphql } from './generated/index.js';
import { startTestPlant, type GraphResponse, type TestPlant } from './fixtures/plant.ts';

/**
 * Changing the asset model through the gateway: an engineer places, moves and retires assets and
 * tags, every subgraph reads the new paths at once, and subscription events carry them even when
 * the event on the bus still names the old path (as a connector started before the move sends it).
 */

const CreateAsset = graphql(`
  mutation PlaceAsset($input: CreateAssetInput!) {
    createAsset(input: $input) {
      id
      path
    }
  }
`);

const MoveAsset = graphql(`
  mutation MoveAsset($id: ID!, $input: UpdateAssetInput!) {
    updateAsset(id: $id, input: $input) {
      id
      path
      descendants {
        path
      }
    }
  }
`);

const RetireTag = graphql(`
  mutation RetireTag($id: ID!) {
    retireTag(id: $id) {
      id
      retiredAt
    }
  }
`);

const MovedLine = graphql(`
  query MovedLine($id: ID!) {
    asset(id: $id) {
      path
      descendants(kind: EQUIPMENT) {
        id
        path
        tags {
          id
          name
        }
        orders {
          number
        }
      }
      changes(first: 5) {
        edges {
          node {
            operation
            outcome
          }
        }
      }
    }
  }
`);

const AssetAudit = graphql(`
  query AssetAudit($id: String!) {
    auditLog(entityType: "Asset", entityId: $id) {
      edges {
        node {
          operation
          actor
          outcome
        }
      }
    }
  }
`);

const StateOfAssets = graphql(`
  subscription StateOfAssets($assetIds: [ID!]) {
    machineStateChanged(assetIds: $assetIds) {
      state
      reason
      asset {
        id
        path
      }
    }
  }
`);

interface Place {
  id: string;
  path: string;
}

let broker: TestBroker;
let publisher: EventBus;
let plant: TestPlant;
let site: Place;
let otherSite: Place;
let line: Place;
let engineer: { key: string; subject: string };

/** An operation through the gateway as the holder of `key`. */
async function asKey<TData, TVariables>(
  key: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<GraphResponse<TData>> {
  const response = await fetch(plant.plant.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as GraphResponse<TData>;
}

async function keyFor(role: Role, label: string, sites: string[] | null) {
  const { id, key } = await createApiKey(plant.database.sql, { role, sites, label });
  return { key, subject: `key:${id} (${label})` };
}

const first = async <T extends object>(query: string, params: unknown[] = []) =>
  (await plant.database.sql.query<T>(query, params))[0]!;

beforeAll(async () => {
  broker = await testBroker();
  plant = await startTestPlant(new Date(), { busUrl: broker.url });
  const prefix = plant.busPrefix;
  publisher = await EventBus.connect({ url: broker.url, clientId: `${prefix}-pub`, prefix });
  line = await first<Place>("select id, path from asset where kind = 'LINE' order by path limit 1");
  site = await first<Place>(
    `select id, path from asset where kind = 'SITE' and starts_with($1, path || '/')`,
    [line.path],
  );
  // A second site, placed by the admin: the small demo plant has one.
  const enterprise = await first<Place>("select id, path from asset where kind = 'ENTERPRISE'");
  const placed = await plant.request(CreateAsset, {
    input: { parentId: enterprise.id, kind: 'SITE', name: 'Porto' },
  });
  expect(placed.errors).toBeUndefined();
  otherSite = placed.data!.createAsset;
  engineer = await keyFor('engineer', 'site engineer', [site.id]);
});

afterAll(async () => {
  await publisher?.close();
  await plant?.close();
  await broker?.close();
});

describe('changing the asset model through the gateway', () => {
  it('moves a line to a new area: queries, audit and subscription events show the new path', async () => {
    const area = await asKey(engineer.key, CreateAsset, {
      input: { parentId: site.id, kind: 'AREA', name: 'Final Assembly' },
    });
    expect(area.errors).toBeUndefined();
    const newArea = area.data!.createAsset;
    expect(newArea.path).toBe(`${site.path}/Final Assembly`);

    const machine = await first<Place>(
      "select id, path from asset where kind = 'EQUIPMENT' and starts_with(path, $1) order by path limit 1",
      [`${line.path}/`],
    );
    // Subscribed before the move, as a screen would be.
    const subscription = plant.client.subscribe(
      StateOfAssets,
      { assetIds: [machine.id] },
      { acknowledge: true },
    );
    await subscription.subscribed;

    const moved = await asKey(engineer.key, MoveAsset, {
      id: line.id,
      input: { parentId: newArea.id },
    });
    expect(moved.errors).toBeUndefined();
    const linePath = `${newArea.path}/${line.path.split('/').pop()!}`;
    expect(moved.data!.updateAsset.path).toBe(linePath);
    for (const below of moved.data!.updateAsset.descendants) {
      expect(below.path.startsWith(`${linePath}/`)).toBe(true);
    }

    // Every subgraph answers by id, so tags and orders stay with the moved machines.
    const { data, errors } = await plant.request(MovedLine, { id: line.id });
    expect(errors).toBeUndefined();
    const machines = data!.asset!.descendants;
    expect(machines.length).toBeGreaterThan(0);
    expect(machines.every((node) => node.path.startsWith(`${linePath}/`))).toBe(true);
    expect(machines.every((node) => node.tags.length > 0)).toBe(true);
    expect(machines.some((node) => node.orders.length > 0)).toBe(true);
    expect(data!.asset!.changes!.edges.map((edge) => edge.node)).toEqual([
      { operation: 'updateAsset', outcome: 'OK' },
    ]);
    const audit = await plant.request(AssetAudit, { id: line.id });
    expect(audit.data!.auditLog.edges.map((edge) => edge.node)).toEqual([
      { operation: 'updateAsset', actor: engineer.subject, outcome: 'OK' },
    ]);

    // A connector started before the move still publishes the old path; the event's asset is
    // resolved by id, so the subscriber sees where the machine is now.
    try {
      publisher.publish({
        type: 'state',
        assetId: machine.id,
        assetPath: machine.path,
        time: new Date().toISOString(),
        state: 'DOWN',
        reason: 'MOVED',
      });
      const { value: event, done } = await subscription.next();
      expect(done).toBe(false);
      expect(event?.data).toEqual({
        machineStateChanged: {
          state: 'DOWN',
          reason: 'MOVED',
          asset: { id: machine.id, path: machine.path.replace(line.path, linePath) },
        },
      });
    } finally {
      await subscription.return();
    }
  });

  it('keeps an engineer limited to a site out of the other sites', async () => {
    const before = await plant.database.sql.query(
      'select id, parent_id, path from asset order by id',
    );
    const outside = await asKey(engineer.key, CreateAsset, {
      input: { parentId: otherSite.id, kind: 'AREA', name: 'Not Here' },
    });
    expect(outside.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      argument: 'input.parentId',
    });
    const away = await asKey(engineer.key, MoveAsset, {
      id: line.id,
      input: { parentId: otherSite.id },
    });
    expect(away.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      argument: 'input.parentId',
    });
    expect(
      await plant.database.sql.query('select id, parent_id, path from asset order by id'),
    ).toEqual(before);
  });

  it('needs the role engineer', async () => {
    const integrator = await keyFor('integrator', 'integrator', null);
    const tag = await first<{ id: string }>('select id from tag order by id limit 1');
    const refused = await asKey(integrator.key, RetireTag, { id: tag.id });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toBe('retireTag needs the role engineer or higher');
    const [stored] = await plant.database.sql.query<{ retired_at: Date | null }>(
      'select retired_at from tag where id = $1',
      [tag.id],
    );
    expect(stored?.retired_at).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

const PlantOverview = graphql(`
  query PlantOverview {
    assets(kind: EQUIPMENT, first: 5) {
      totalCount
      edges {
        node {
          id
          name
          path
          tags {
            name
            latest {
              time
              value
            }
          }
          state {
            state
            since
          }
          orders {
            number
            status
          }
          measurements(first: 3) {
            edges {
              node {
                value
                inSpec
              }
            }
          }
          activeAlarms {
            code
            severity
          }
        }
      }
    }
  }
`);

const OversizedPage = graphql(`
  query OversizedPage {
    assets(first: 100000) {
      totalCount
    }
  }
`);

const CreateOrder = graphql(`
  mutation CreateOrder($input: CreateProductionOrderInput!) {
    createProductionOrder(input: $input) {
      id
      number
      status
      asset {
        id
        name
        activeAlarms {
          code
        }
      }
    }
  }
`);

const OrdersOfAsset = graphql(`
  query OrdersOfAsset($id: ID!) {
    asset(id: $id) {
      orders(status: CREATED) {
        number
      }
    }
  }
`);

const Platform = graphql(`
  query Platform {
    platform {
      version
      storage
      timescale
      migrations {
        name
      }
    }
  }
`);

let plant: TestPlant;

beforeAll(async () => {
  plant = await startTestPlant();
});
afterAll(() => plant?.close());

describe('the federated graph through the gateway', () => {
  it('answers the plant overview with data from all five subgraphs', async () => {
    const { data, errors } = await plant.request(PlantOverview);
    expect(errors).toBeUndefined();
    const nodes = data!.assets.edges.map((edge) => edge.node);
    expect(data!.assets.totalCount).toBe(plant.seed.counts.equipment);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      expect(node.path.endsWith(`/${node.name}`)).toBe(true);
      expect(node.tags.length).toBeGreaterThan(0); // assets
      expect(node.tags.some((tag) => tag.latest?.value !== undefined && tag.latest !== null)).toBe(
        true,
      ); // timeseries
      expect(node.state?.state).toBeTruthy(); // timeseries
      expect(node.orders.some((order) => order.status === 'RUNNING')).toBe(true); // orders
    }
    expect(nodes.some((node) => node.measurements.edges.length > 0)).toBe(true); // quality
    expect(nodes.some((node) => node.activeAlarms.length > 0)).toBe(true); // alarms
  });

  it('refuses a page size over the limit with BAD_USER_INPUT naming the argument', async () => {
    const { errors } = await plant.request(OversizedPage);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toMatch(/first/);
  });

  it('writes through the gateway and reads the write back across subgraphs', async () => {
    const { data: overview } = await plant.request(PlantOverview);
    const asset = overview!.assets.edges[0]!.node;
    const { data, errors } = await plant.request(CreateOrder, {
      input: { number: 'PO-E2E-1', material: 'BRKT-1 Bracket', quantity: 10, assetId: asset.id },
    });
    expect(errors).toBeUndefined();
    expect(data!.createProductionOrder).toMatchObject({
      number: 'PO-E2E-1',
      status: 'CREATED',
      asset: { id: asset.id, name: asset.name },
    });
    const { data: orders } = await plant.request(OrdersOfAsset, { id: asset.id });
    expect(orders!.asset!.orders.map((order) => order.number)).toContain('PO-E2E-1');

    const again = await plant.request(CreateOrder, {
      input: { number: 'PO-E2E-1', material: 'BRKT-1 Bracket', quantity: 10, assetId: asset.id },
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const invalid = await plant.request(CreateOrder, {
      input: { number: 'PO-E2E-2', material: 'BRKT-1 Bracket', quantity: -1, assetId: asset.id },
    });
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(invalid.errors?.[0]?.message).toMatch(/quantity/);
  });

  it('reports the storage backend it runs on', async () => {
    const { data } = await plant.request(Platform);
    expect(data!.platform.storage).toBe(
      plant.database.sql.backend === 'embedded' ? 'EMBEDDED' : 'POSTGRES',
    );
    expect(data!.platform.timescale).toBe(plant.database.capabilities.timescaleVersion !== null);
    expect(data!.platform.migrations.length).toBeGreaterThan(0);
  });

  it('serves Apollo Sandbox to browsers and hides internals from clients', async () => {
    const page = await fetch(plant.plant.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/sandbox/i);

    const response = await fetch(plant.plant.url, {
      method: 'POST',
      headers: plant.headers,
      body: JSON.stringify({ query: '{ asset(id: "not-an-id") { name } }' }),
    });
    const body = (await response.json()) as {
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers liveness, readiness and metrics probes on the gateway and every subgraph', async () => {
    const servers = [plant.plant.url, ...Object.values(plant.plant.subgraphs).map((s) => s.url)];
    for (const url of servers) {
      const base = url.replace(/\/graphql$/, '');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^plantgraph_process_cpu_seconds_total /m);
    }
  });
});

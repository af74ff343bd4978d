import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@plantgraph/config';
import { connectorsRole } from '@plantgraph/connector-runtime';
import { testBackend } from '@plantgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expandMacros,
  isExposed,
  metricFamilies,
  metricNamesOf,
  promQueries,
  sqlQueries,
} from './fixtures/dashboards.ts';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * The Grafana dashboards of deploy/grafana against the roles: every metric a Prometheus panel
 * queries is on the /metrics of a role started here, and every SQL panel runs on the migrated,
 * seeded database.
 */
let plant: TestPlant;
let metricsUrls: string[];

const metricsOf = async (url: string) => (await fetch(url)).text();

async function post(query: string): Promise<void> {
  const response = await fetch(plant.plant.url, {
    method: 'POST',
    headers: plant.headers,
    body: JSON.stringify({ query }),
  });
  await response.text();
}

beforeAll(async () => {
  plant = await startTestPlant();
  const servers = [plant.plant.url, ...Object.values(plant.plant.subgraphs).map((s) => s.url)];
  metricsUrls = servers.map((url) => url.replace(/\/graphql$/, '/metrics'));
});

afterAll(async () => {
  await plant.close();
});

describe('metric names in PromQL', () => {
  it('are what is left without functions, matchers, ranges and grouping', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.95, sum by (le, operation) (rate(plantgraph_gateway_operation_seconds_bucket{outcome!="success", job=~"gate.*"}[$__rate_interval])))',
      ),
    ).toEqual(['plantgraph_gateway_operation_seconds_bucket']);
    expect(
      metricNamesOf(
        'plantgraph_db_pool_connections - on (instance) group_left plantgraph_db_pool_idle_connections offset 5m',
      ),
    ).toEqual(['plantgraph_db_pool_connections', 'plantgraph_db_pool_idle_connections']);
  });

  it('are matched to the families of /metrics, histogram series included', () => {
    const families = metricFamilies([
      '# TYPE plantgraph_ingest_lag_seconds histogram\n# TYPE plantgraph_connection_up gauge\n',
    ]);
    expect(isExposed('plantgraph_ingest_lag_seconds_bucket', families)).toBe(true);
    expect(isExposed('plantgraph_connection_up', families)).toBe(true);
    expect(isExposed('plantgraph_connection_up_count', families)).toBe(false);
    expect(isExposed('plantgraph_connection_down', families)).toBe(false);
  });
});

describe('the gateway on /metrics', () => {
  it('times each request by operation, type and outcome, and the subgraph fetches under it', async () => {
    await post('query DashboardProbe { assets(first: 1) { totalCount } }');
    await post('query DashboardOversized { assets(first: 100000) { totalCount } }');
    await post('{ assets(first: 1) { totalCount } }');
    await post('query DashboardBroken { assets(first: 1) { noSuchField } }');
    const text = await metricsOf(metricsUrls[0] ?? '');
    const count = (labels: string[]) =>
      text
        .split('\n')
        .filter((line) => line.startsWith('plantgraph_gateway_operation_seconds_count{'))
        .filter((line) => labels.every((label) => line.includes(label)))
        .map((line) => Number(line.split(' ').at(-1)));
    expect(count(['operation="DashboardProbe"', 'type="query"', 'outcome="success"'])).toEqual([1]);
    expect(count(['operation="DashboardOversized"', 'outcome="BAD_USER_INPUT"'])).toEqual([1]);
    // An unnamed operation, and one that never resolved (invalid): both `anonymous`.
    expect(count(['operation="anonymous"', 'type="query"', 'outcome="success"'])).toEqual([1]);
    expect(
      count(['operation="anonymous"', 'type="unknown"', 'outcome="GRAPHQL_VALIDATION_FAILED"']),
    ).toEqual([1]);
    expect(text).toMatch(
      /^plantgraph_gateway_subgraph_fetch_seconds_count\{subgraph="assets",outcome="ok"\} [1-9]/m,
    );
  });
});

describe('the plant overview dashboard', () => {
  it('runs every SQL panel on the migrated database', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 24 * 3600_000);
    const panels = sqlQueries();
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      const rows = await plant.database.sql
        .query(expandMacros(panel.query, from, to))
        .catch((error: unknown) => {
          throw new Error(`${panel.dashboard} "${panel.panel}": ${String(error)}`);
        });
      expect(Array.isArray(rows), panel.panel).toBe(true);
    }
  });

  it('gives OEE figures between 0 and 1 for the seeded machines', async () => {
    const oee = sqlQueries().find((panel) => panel.panel === 'OEE by machine');
    const to = new Date();
    const rows = await plant.database.sql.query<Record<string, number | null>>(
      expandMacros(oee?.query ?? '', new Date(to.getTime() - 24 * 3600_000), to),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const figure of ['availability', 'quality', 'oee']) {
        const value = row[figure];
        if (value !== null && value !== undefined) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(rows.some((row) => row.availability !== null)).toBe(true);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The production roles need PostgreSQL (DATABASE_URL is required of them): the database pool
// and the connectors process exist only there.
describe.runIf(testBackend() === 'postgres')('the platform health dashboard', () => {
  let dataDir: string;
  let connectors: { close(): Promise<void> } | undefined;
  let connectorsMetrics: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-dashboards-'));
    const configFile = join(dataDir, 'plant.yaml');
    writeFileSync(configFile, 'connections: []\n');
    const port = await freePort();
    const config = loadConfig(connectorsRole.environment, {
      DATABASE_URL: plant.database.url,
      PLANTGRAPH_CONFIG: configFile,
      PLANTGRAPH_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const started = await connectorsRole.start(config, []);
    if (typeof started === 'number') throw new Error('the connectors role exited');
    connectors = started;
    connectorsMetrics = `http://127.0.0.1:${port}/metrics`;
  });

  afterAll(async () => {
    await connectors?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('queries only metrics some role serves on /metrics', async () => {
    const texts = await Promise.all([...metricsUrls, connectorsMetrics].map(metricsOf));
    const families = metricFamilies(texts);
    const queries = promQueries();
    expect(queries.length).toBeGreaterThan(0);
    const missing = queries.flatMap(({ dashboard, panel, query }) =>
      metricNamesOf(query)
        .filter((name) => !isExposed(name, families))
        .map((name) => `${dashboard} "${panel}": ${name}`),
    );
    expect(missing).toEqual([]);
  });
});

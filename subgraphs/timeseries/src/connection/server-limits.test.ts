import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertConnectionStatus } from '@plantgraph/timeseries-domain';
import { openTestDatabase, SubgraphClient, type TestDatabase } from '@plantgraph/testing';
import { timeseriesSubgraph } from '../subgraph.ts';

let database: TestDatabase;
let client: SubgraphClient;

const serverLimits = {
  maxSubscriptionsPerSession: 2,
  maxMonitoredItems: null,
  maxMonitoredItemsPerSubscription: 6000,
  maxMonitoredItemsPerCall: 100,
  maxNodesPerRead: 1000,
  maxNodesPerBrowse: null,
  maxNodesPerTranslateBrowsePathsToNodeIds: 1000,
  maxNodesPerHistoryReadData: 500,
};
const subscriptionPlan = {
  subscriptions: 2,
  itemsPerSubscription: 5001,
  itemsPerCall: 100,
  items: 10000,
  unplanned: 0,
  replans: 1,
};

const report = (id: string, kind: 'opcua' | 'mqtt') => ({
  id,
  kind,
  endpoint: kind === 'opcua' ? 'opc.tcp://plc:4840' : 'mqtt://bus',
  state: 'CONNECTED' as const,
  since: new Date(),
  lastError: null,
  messagesPerSecond: 0,
  items: 10000,
  lastMessageAt: null,
  spoolDepth: 0,
  deadLetters: 2,
  lostMessages: 0,
  fallingBehind: false,
  configVersion: null,
  lastBackfill: null,
});

beforeAll(async () => {
  database = await openTestDatabase();
  client = await SubgraphClient.start(await timeseriesSubgraph.buildSchema(), database.services);
  await upsertConnectionStatus(
    database.sql,
    [
      { ...report('limits-plc', 'opcua'), serverLimits, subscriptionPlan },
      report('limits-bus', 'mqtt'),
    ],
    new Date(),
  );
});

afterAll(async () => {
  await client?.stop();
  await database?.close();
});

describe('Connection.serverLimits and subscriptionPlan', () => {
  it('shows what an OPC UA connector reported, and null for MQTT', async () => {
    const { data, errors } = await client.execute<{ connections: Record<string, unknown>[] }>(
      `{ connections {
           id
           serverLimits { maxSubscriptionsPerSession maxMonitoredItems
             maxMonitoredItemsPerSubscription maxMonitoredItemsPerCall maxNodesPerRead
             maxNodesPerBrowse maxNodesPerTranslateBrowsePathsToNodeIds maxNodesPerHistoryReadData }
           subscriptionPlan { subscriptions itemsPerSubscription itemsPerCall items unplanned
             replans }
         } }`,
    );
    expect(errors).toBeUndefined();
    const byId = Object.fromEntries((data?.connections ?? []).map((c) => [c.id, c]));
    expect(byId['limits-plc']).toEqual({ id: 'limits-plc', serverLimits, subscriptionPlan });
    expect(byId['limits-bus']).toEqual({
      id: 'limits-bus',
      serverLimits: null,
      subscriptionPlan: null,
    });
  });
});

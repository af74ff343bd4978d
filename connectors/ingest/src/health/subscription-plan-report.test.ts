import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { HealthReporter } from './health-reporter.ts';

const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

const limits = {
  maxSubscriptionsPerSession: 2,
  maxMonitoredItems: null,
  maxMonitoredItemsPerSubscription: null,
  maxMonitoredItemsPerCall: 100,
  maxNodesPerRead: 1000,
  maxNodesPerBrowse: null,
  maxNodesPerTranslateBrowsePathsToNodeIds: null,
  maxNodesPerHistoryReadData: null,
};
const plan = {
  subscriptions: 2,
  itemsPerSubscription: 5000,
  itemsPerCall: 100,
  items: 10_000,
  unplanned: 0,
  replans: 0,
};

describe('HealthReporter and OPC UA subscription plans', () => {
  it('stores the server limits and plan a connector reports, null until it reports one', async () => {
    const reporter = new HealthReporter({ sql: database.sql, logger });
    const plc = reporter.connection('plan-opcua', {
      kind: 'opcua',
      endpoint: 'opc.tcp://plc:4840',
    });
    const row = async () => {
      expect(await reporter.report()).toBe(true);
      const [stored] = await database.sql.query<{
        server_limits: unknown;
        subscription_plan: unknown;
      }>(`select server_limits, subscription_plan from connection_status where id = 'plan-opcua'`);
      return stored;
    };
    expect(await row()).toEqual({ server_limits: null, subscription_plan: null });
    plc.setSubscriptionPlan(limits, plan);
    expect(await row()).toEqual({ server_limits: limits, subscription_plan: plan });
    plc.setSubscriptionPlan(limits, {
      ...plan,
      subscriptions: 1,
      itemsPerSubscription: 10_000,
      replans: 1,
    });
    expect((await row())?.subscription_plan).toMatchObject({ subscriptions: 1, replans: 1 });
  });
});

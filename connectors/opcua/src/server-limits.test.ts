import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusCodes } from 'node-opcua';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@plantgraph/config';
import {
  opcuaConnectionSchema,
  type ConnectionHealth,
  type DeadLetterRecord,
  type IngestRecord,
  type IngestSink,
  type ServerLimits,
  type SignalMapper,
  type SubscriptionPlan,
} from '@plantgraph/ingest';
import { freePort } from './fixture-server.ts';
import {
  manyVariableNodeId,
  startManyVariablesServer,
  type ManyVariablesServer,
  type ManyVariablesServerOptions,
} from './many-variables-server.ts';
import { startOpcuaConnector } from './opcua-connector.ts';
import type { OpcuaConnector } from './opcua-connector.types.ts';
import {
  LimitRefusedError,
  defaultItemsPerCall,
  planSubscriptions,
  tightenLimits,
} from './server-limits.ts';
import { routeOpcuaStackLogs } from './stack-logs.ts';

const logger = createLogger('opcua-limits-test', process.env.LOG_LEVEL ?? 'silent');
const pkiFolder = join(tmpdir(), 'plantgraph-opcua-test', 'client-pki');
routeOpcuaStackLogs(logger);

const noLimits: ServerLimits = {
  maxSubscriptionsPerSession: null,
  maxMonitoredItems: null,
  maxMonitoredItemsPerSubscription: null,
  maxMonitoredItemsPerCall: null,
  maxNodesPerRead: null,
  maxNodesPerBrowse: null,
  maxNodesPerTranslateBrowsePathsToNodeIds: null,
  maxNodesPerHistoryReadData: null,
};

describe('planSubscriptions', () => {
  it('keeps the preferred size while the session may hold enough subscriptions', () => {
    const plan = planSubscriptions(2_000, noLimits, 500);
    expect(plan).toMatchObject({ subscriptions: 4, itemsPerSubscription: 500, unplanned: 0 });
    expect(plan.itemsPerCall).toBe(defaultItemsPerCall < 500 ? defaultItemsPerCall : 500);
  });

  it('makes fewer, larger subscriptions when the session allows only a few', () => {
    const limits = { ...noLimits, maxSubscriptionsPerSession: 2, maxMonitoredItemsPerCall: 100 };
    expect(planSubscriptions(10_001, limits, 500)).toMatchObject({
      subscriptions: 2,
      itemsPerSubscription: 5_001,
      itemsPerCall: 100,
      items: 10_001,
      unplanned: 0,
    });
  });

  it('leaves unplanned what no subscription has room for', () => {
    const limits = {
      ...noLimits,
      maxSubscriptionsPerSession: 2,
      maxMonitoredItemsPerSubscription: 3_000,
    };
    expect(planSubscriptions(10_000, limits, 500)).toMatchObject({
      subscriptions: 2,
      itemsPerSubscription: 3_000,
      items: 6_000,
      unplanned: 4_000,
    });
    const capped = { ...noLimits, maxMonitoredItems: 700 };
    expect(planSubscriptions(1_000, capped, 500)).toMatchObject({ items: 700, unplanned: 300 });
  });

  it('spreads the items evenly over the subscriptions it needs', () => {
    const limits = { ...noLimits, maxMonitoredItemsPerSubscription: 400 };
    expect(planSubscriptions(1_000, limits, 500)).toMatchObject({
      subscriptions: 3,
      itemsPerSubscription: 334,
    });
  });

  it('never tightens a limit to what it already was, so a refusal cannot repeat a plan', () => {
    const status = StatusCodes.BadTooManySubscriptions;
    const limits = { ...noLimits, maxSubscriptionsPerSession: 2 };
    const lower = new LimitRefusedError('maxSubscriptionsPerSession', 1, status);
    expect(tightenLimits(limits, lower)?.maxSubscriptionsPerSession).toBe(1);
    const same = new LimitRefusedError('maxSubscriptionsPerSession', 2, status);
    expect(tightenLimits(limits, same)).toBeUndefined();
    const none = new LimitRefusedError('maxSubscriptionsPerSession', 0, status);
    expect(tightenLimits(limits, none)).toBeUndefined();
  });
});

class CountingSink implements IngestSink {
  /** Variable index → the values stored for it, in order. */
  readonly values = new Map<number, number[]>();
  readonly letters: DeadLetterRecord[] = [];

  async write(records: readonly IngestRecord[]): Promise<void> {
    for (const record of records) {
      if (record.kind !== 'datapoint' || record.value === null) continue;
      const index = Number(record.tagId);
      const list = this.values.get(index) ?? [];
      list.push(record.value);
      this.values.set(index, list);
    }
  }

  async deadLetter(letter: DeadLetterRecord): Promise<void> {
    this.letters.push(letter);
  }

  async durable(): Promise<void> {}

  /** Variables whose latest stored value is `value`. */
  countLatest(value: number): number {
    let count = 0;
    for (const list of this.values.values()) if (list.at(-1) === value) count++;
    return count;
  }
}

class PlanHealth implements ConnectionHealth {
  state = '';
  items = 0;
  limits: ServerLimits | undefined;
  plan: SubscriptionPlan | undefined;
  setState(state: string): void {
    this.state = state;
  }
  received(): void {}
  setItems(count: number): void {
    this.items = count;
  }
  lost(): void {}
  setBehind(): void {}
  setSubscriptionPlan(limits: ServerLimits, plan: SubscriptionPlan): void {
    this.limits = limits;
    this.plan = plan;
  }
}

/**
 * Maps `ns=2;s=V<n>` to tag `<n>`; the addresses of `missing` are mapped but do not exist. With
 * `readOnConnect` every current value is also read on connecting.
 */
function manyMapper(
  connectionId: string,
  count: number,
  missing: string[],
  readOnConnect: boolean,
): SignalMapper {
  const addresses = [...Array.from({ length: count }, (_, n) => manyVariableNodeId(n)), ...missing];
  const mapped = new Set(addresses);
  return {
    sourcesOf: (id) =>
      id === connectionId
        ? addresses.map((address) => ({ address, source: { nodeId: address }, readOnConnect }))
        : [],
    covers: (id, address) => id === connectionId && mapped.has(address),
    map(sample) {
      const time = sample.time;
      const value = typeof sample.value === 'number' ? sample.value : null;
      const tagId = sample.address.slice('ns=2;s=V'.length);
      return {
        ok: true,
        records: [
          {
            kind: 'datapoint',
            tagId,
            tag: tagId,
            assetId: 'a',
            assetPath: 'A',
            time,
            quality: sample.quality,
            value,
            text: null,
          },
        ],
      };
    },
  };
}

const VARIABLES = 10_000;
const missing = ['ns=2;s=Missing1', 'ns=2;s=Missing2'];
const running: { connector?: OpcuaConnector; server?: ManyVariablesServer }[] = [];

afterEach(async () => {
  for (const { connector, server } of running.splice(0)) {
    await connector?.close();
    await server?.stop();
  }
});

/** Subscribes all variables and the missing nodes on a server with `server` options. */
async function subscribeMany(
  server: Omit<ManyVariablesServerOptions, 'port' | 'variables'>,
  readOnConnect = false,
) {
  const entry: (typeof running)[number] = {};
  running.push(entry);
  const opcua = await startManyVariablesServer({
    port: await freePort(),
    variables: VARIABLES,
    ...server,
  });
  entry.server = opcua;
  const connection = opcuaConnectionSchema.parse({
    kind: 'opcua',
    id: 'many',
    endpoint: opcua.endpoint,
    samplingIntervalMs: 0,
    publishingIntervalMs: 100,
  });
  const sink = new CountingSink();
  const health = new PlanHealth();
  const mapper = manyMapper(connection.id, VARIABLES, missing, readOnConnect);
  entry.connector = startOpcuaConnector({ connection, mapper, sink, health, logger, pkiFolder });
  return { opcua, sink, health };
}

/** Every variable's initial value arrives, then every variable's next value. */
async function expectAllValues(opcua: ManyVariablesServer, sink: CountingSink) {
  const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 30_000, interval: 100 });
  await waitFor(() => expect(sink.countLatest(0)).toBe(VARIABLES));
  opcua.setAll((index) => index + 1, new Date('2026-01-01T00:00:01Z'));
  await waitFor(() => expect(sink.values.size).toBe(VARIABLES));
  await waitFor(() => {
    let arrived = 0;
    for (const [index, list] of sink.values) if (list.at(-1) === index + 1) arrived++;
    expect(arrived).toBe(VARIABLES);
  });
}

const tightCapabilities = {
  maxSubscriptionsPerSession: 2,
  maxMonitoredItemsPerSubscription: 6_000,
  operationLimits: { maxMonitoredItemsPerCall: 100, maxNodesPerRead: 1_000 },
};

describe('a server with tight limits', () => {
  it('plans within the limits it publishes, and refused items become dead letters', async () => {
    // Read on connect too: one Read of all 10,002 nodes would be refused (MaxNodesPerRead 1,000).
    const capabilities = { serverCapabilities: tightCapabilities };
    const { opcua, sink, health } = await subscribeMany(capabilities, true);
    await vi.waitFor(() => expect(health.state).toBe('CONNECTED'), { timeout: 30_000 });
    expect(health.limits).toMatchObject({
      maxSubscriptionsPerSession: 2,
      maxMonitoredItemsPerSubscription: 6_000,
      maxMonitoredItemsPerCall: 100,
      maxNodesPerRead: 1_000,
    });
    expect(health.plan).toMatchObject({
      subscriptions: 2,
      itemsPerSubscription: (VARIABLES + missing.length) / 2,
      itemsPerCall: 100,
      items: VARIABLES,
      unplanned: 0,
      replans: 0,
    });
    expect(health.items).toBe(VARIABLES);
    expect(sink.letters.map(({ address, reason }) => ({ address, reason }))).toEqual(
      missing.map((address) => ({ address, reason: 'not monitored: BadNodeIdUnknown' })),
    );
    await expectAllValues(opcua, sink);
  });

  it('plans again with fewer, larger subscriptions and smaller calls when refused', async () => {
    const { opcua, sink, health } = await subscribeMany({
      serverCapabilities: tightCapabilities,
      hideLimits: true,
    });
    await vi.waitFor(() => expect(health.state).toBe('CONNECTED'), { timeout: 60_000 });
    expect(health.limits?.maxSubscriptionsPerSession).toBeNull();
    expect(health.plan?.subscriptions).toBe(2);
    expect(health.plan?.itemsPerCall).toBeLessThanOrEqual(100);
    expect(health.plan?.replans).toBeGreaterThan(0);
    expect(health.items).toBe(VARIABLES);
    expect(sink.letters.map(({ reason }) => reason)).toEqual(
      missing.map(() => 'not monitored: BadNodeIdUnknown'),
    );
    await expectAllValues(opcua, sink);
  });
});

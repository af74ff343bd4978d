import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@plantgraph/auth';
import { EventBus } from '@plantgraph/bus';
import { startConnectors, type ConnectorRuntime } from '@plantgraph/connector-runtime';
import { startPlant, type RunningPlant } from '@plantgraph/demo';
import { parsePlantConfig } from '@plantgraph/ingest';
import {
  addFixtureConditions,
  type FixtureConditionsHandle,
} from '@plantgraph/opcua-connector/fixture-conditions';
import {
  freePort,
  startFixtureServer,
  type FixtureServer,
} from '@plantgraph/opcua-connector/fixture-server';
import {
  openTestDatabase,
  testBroker,
  type TestBroker,
  type TestDatabase,
} from '@plantgraph/testing';
import { eventually } from './fixtures/live-plant.ts';

/**
 * OPC UA Alarms & Conditions end to end: a node-opcua server on loopback with two off-normal
 * alarms, the connector runtime with an events mapping on the Server object, the database, the
 * event bus and the gateway. Conditions raised and cleared on the server come and go in
 * `activeAlarms`; `acknowledgeAlarm` reaches the condition's Acknowledge method and is audited,
 * the server's answer (accepted, refused, or never reached) reported on the alarm;
 * a restart of the server while a condition clears is healed by the ConditionRefresh.
 */

const OVEN = 'Acme/Oven';
const PREFIX = `t${randomBytes(4).toString('hex')}/plantgraph/v1`;

let database: TestDatabase;
let fixture: FixtureServer;
let conditions: FixtureConditionsHandle;
let broker: TestBroker;
let runtimeBus: EventBus;
let graphBus: EventBus;
let runtime: ConnectorRuntime;
let graph: RunningPlant;
let authorization: string;
let port: number;
const dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-conditions-'));

async function query<T>(text: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(graph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: text, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

interface ActiveAlarm {
  id: string;
  code: string;
  severity: string;
  message: string;
  state: string;
  acknowledgedBy: string | null;
}

const ACTIVE = `
  query Active($path: String!) {
    assetByPath(path: $path) {
      activeAlarms { id code severity message state acknowledgedBy }
    }
  }`;

async function activeAlarms(): Promise<ActiveAlarm[]> {
  const data = await query<{ assetByPath: { activeAlarms: ActiveAlarm[] } }>(ACTIVE, {
    path: OVEN,
  });
  return data.assetByPath.activeAlarms;
}

const codes = async () => (await activeAlarms()).map((alarm) => alarm.code).sort();

const ACKNOWLEDGE = `
  mutation Ack($id: ID!, $comment: String) {
    acknowledgeAlarm(id: $id, comment: $comment) { state acknowledgedBy }
  }`;

interface SourceAnswer {
  outcome: string;
  statusCode: string | null;
  connection: string | null;
  message: string | null;
  at: string;
  by: string;
}

const SOURCE_ACKNOWLEDGEMENT = `
  query SourceAcknowledgement($id: ID!) {
    alarm(id: $id) {
      sourceAcknowledgement { outcome statusCode connection message at by }
    }
  }`;

async function sourceAcknowledgement(id: string): Promise<SourceAnswer | null> {
  const data = await query<{ alarm: { sourceAcknowledgement: SourceAnswer | null } }>(
    SOURCE_ACKNOWLEDGEMENT,
    { id },
  );
  return data.alarm.sourceAcknowledgement;
}

/** Acknowledges in the graph and waits for the server's answer, which the connectors carry. */
async function acknowledgeAndAwaitAnswer(id: string, comment: string) {
  const data = await query<{ acknowledgeAlarm: { state: string; acknowledgedBy: string } }>(
    ACKNOWLEDGE,
    { id, comment },
  );
  const answer = await eventually(
    () => sourceAcknowledgement(id),
    20_000,
    'the server answer on the alarm',
  );
  return { acknowledged: data.acknowledgeAlarm, answer };
}

async function startServer(): Promise<void> {
  fixture = await startFixtureServer({ port });
  conditions = addFixtureConditions(fixture.server);
}

beforeAll(async () => {
  database = await openTestDatabase();
  await database.sql.exec(`
    insert into asset (kind, name, path) values ('ENTERPRISE', 'Acme', 'Acme');
    insert into asset (parent_id, kind, name, path)
      select id, 'EQUIPMENT', 'Oven', '${OVEN}' from asset where path = 'Acme';`);
  port = await freePort();
  await startServer();
  const config = parsePlantConfig(
    {
      connections: [
        { kind: 'opcua', id: 'plc', endpoint: fixture.endpoint, publishingIntervalMs: 50 },
      ],
      mappings: { events: [{ connection: 'plc', asset: OVEN }] },
    },
    'test',
  );
  broker = await testBroker('embedded');
  const connect = (name: string) =>
    EventBus.connect({ url: broker.url, clientId: `${name}-${PREFIX}`, prefix: PREFIX });
  runtimeBus = await connect('connectors');
  graphBus = await connect('graph');
  runtime = await startConnectors({
    sql: database.sql,
    config,
    dataDir,
    events: runtimeBus,
    logger: database.services.logger,
  });
  graph = await startPlant({
    services: { ...database.services, events: graphBus },
    port: 0,
    host: '127.0.0.1',
    subgraphPortsFrom: 0,
    sandbox: false,
  });
  const { key } = await createApiKey(database.sql, { role: 'admin', sites: null, label: 'test' });
  authorization = `Bearer ${key}`;
});

afterAll(async () => {
  await graph?.close();
  await runtime?.close();
  await graphBus?.close();
  await runtimeBus?.close();
  await broker?.close();
  await fixture?.stop();
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('OPC UA Alarms & Conditions through the graph', () => {
  it('shows conditions raised on the server as active alarms and drops them when cleared', async () => {
    conditions.set('OverTemperature', true);
    conditions.set('DoorOpen', true);
    await eventually(
      async () => (await codes()).length === 2,
      20_000,
      'both conditions active in the graph',
    );
    const alarms = await activeAlarms();
    expect(alarms.find((alarm) => alarm.code === 'OverTemperature')).toMatchObject({
      severity: 'CRITICAL',
      message: 'Oven over temperature',
      state: 'ACTIVE',
    });
    expect(alarms.find((alarm) => alarm.code === 'DoorOpen')?.severity).toBe('MEDIUM');

    conditions.set('DoorOpen', false);
    await eventually(
      async () => (await codes()).join() === 'OverTemperature',
      20_000,
      'DoorOpen cleared in the graph',
    );
  });

  it('acknowledges the condition on the server, audits the answer and reports it on the alarm', async () => {
    const alarm = (await activeAlarms()).find((item) => item.code === 'OverTemperature');
    if (!alarm) throw new Error('OverTemperature is not active');
    // Nothing was carried to the server yet.
    expect(await sourceAcknowledgement(alarm.id)).toBeNull();
    const { acknowledged, answer } = await acknowledgeAndAwaitAnswer(alarm.id, 'burner checked');
    expect(acknowledged.state).toBe('ACKNOWLEDGED');
    expect(answer).toEqual({
      outcome: 'OK',
      statusCode: 'Good',
      connection: 'plc',
      message: null,
      at: expect.any(String),
      by: acknowledged.acknowledgedBy,
    });
    // The answer is recorded after the server's Acknowledge returned Good.
    expect(conditions.acked('OverTemperature')).toBe(true);
    const audit = await database.sql.query<{
      actor: string;
      outcome: string;
      error_code: string | null;
      result: { statusCode: string };
      input: { comment: string };
    }>(
      `select actor, outcome, error_code, result, input from audit_log
        where operation = 'acknowledgeCondition' and entity_id = $1`,
      [alarm.id],
    );
    expect(audit).toEqual([
      expect.objectContaining({
        actor: acknowledged.acknowledgedBy,
        outcome: 'OK',
        error_code: null,
        result: expect.objectContaining({ statusCode: 'Good' }),
        input: expect.objectContaining({ comment: 'burner checked' }),
      }),
    ]);
  });

  it('stores an acknowledgement made on the server', async () => {
    conditions.set('DoorOpen', true);
    await eventually(async () => (await codes()).includes('DoorOpen'), 20_000, 'DoorOpen raised');
    // An operator acknowledges at the machine's own HMI: a client of the same server.
    conditions.acknowledge('DoorOpen', 'seen at the oven');
    const acknowledged = await eventually(async () =>
      (await activeAlarms()).find((item) => item.code === 'DoorOpen' && item.acknowledgedBy),
    );
    expect(acknowledged).toMatchObject({ state: 'ACKNOWLEDGED', acknowledgedBy: 'opcua:plc' });
    // The DoorOpen of the first test, cleared and never acknowledged, is not the one acknowledged.
    const doors = await database.sql.query<{ acknowledged_by: string | null }>(
      `select acknowledged_by from alarm_event where code = 'DoorOpen' order by raised_at`,
    );
    expect(doors.map((door) => door.acknowledged_by)).toEqual([null, 'opcua:plc']);
  });

  it('does not carry the acknowledgement of an older activation to the server', async () => {
    // The first DoorOpen cleared unacknowledged; the server's condition now stands for the newer
    // DoorOpen, so acknowledging the old one there would acknowledge an activation nobody saw.
    const [first] = await database.sql.query<{ id: string }>(
      `select id from alarm_event where code = 'DoorOpen' and acknowledged_at is null`,
    );
    if (!first) throw new Error('no unacknowledged DoorOpen');
    const { acknowledged, answer } = await acknowledgeAndAwaitAnswer(first.id, 'late');
    expect(acknowledged.state).toBe('CLOSED');
    expect(answer).toMatchObject({
      outcome: 'ERROR',
      statusCode: 'SUPERSEDED',
      connection: 'plc',
      message: expect.stringMatching(/newer DoorOpen/),
      by: acknowledged.acknowledgedBy,
    });
  });

  it('clears after a reconnect what cleared while the server was away', async () => {
    expect(await codes()).toEqual(['DoorOpen', 'OverTemperature']);
    await fixture.stop();
    // The server comes back with the door still open and the temperature back to normal.
    await startServer();
    conditions.set('DoorOpen', true);
    await eventually(
      async () => (await codes()).join() === 'DoorOpen',
      30_000,
      'OverTemperature cleared by the ConditionRefresh',
    );
    const [cleared] = await database.sql.query<{ clear_reason: string | null }>(
      `select clear_reason from alarm_event where code = 'OverTemperature'`,
    );
    expect(cleared?.clear_reason).toBe('not active on reconnect');
  });

  it('reports UNAVAILABLE when the connection to the server is down', async () => {
    conditions.set('OverTemperature', true);
    const raised = await eventually(
      async () =>
        (await activeAlarms()).find(
          (item) => item.code === 'OverTemperature' && !item.acknowledgedBy,
        ),
      20_000,
      'OverTemperature raised again',
    );
    await fixture.stop();
    await eventually(
      async () => {
        const data = await query<{ connections: { id: string; state: string }[] }>(
          `{ connections { id state } }`,
        );
        return data.connections.find((item) => item.id === 'plc')?.state !== 'CONNECTED';
      },
      20_000,
      'the connection seen down',
    );
    const { acknowledged, answer } = await acknowledgeAndAwaitAnswer(raised.id, 'while away');
    expect(answer).toMatchObject({
      outcome: 'ERROR',
      statusCode: 'UNAVAILABLE',
      connection: 'plc',
      message: expect.stringMatching(/is not connected$/),
      by: acknowledged.acknowledgedBy,
    });
    await startServer();
  });

  it('reports the refusal of a server that no longer has the condition', async () => {
    // The server came back at the end of the last test with nothing active.
    await eventually(
      async () => !(await codes()).includes('OverTemperature'),
      30_000,
      'OverTemperature cleared by the ConditionRefresh after the restart',
    );
    conditions.set('OverTemperature', true);
    const raised = await eventually(
      async () =>
        (await activeAlarms()).find(
          (item) => item.code === 'OverTemperature' && !item.acknowledgedBy,
        ),
      30_000,
      'OverTemperature raised on the restarted server',
    );
    // The server is reconfigured under the running client: the condition's node is gone, so its
    // Acknowledge call is refused.
    conditions.remove('OverTemperature');
    const { acknowledged, answer } = await acknowledgeAndAwaitAnswer(raised.id, 'late');
    expect(answer).toMatchObject({
      outcome: 'ERROR',
      statusCode: 'BadNodeIdUnknown',
      connection: 'plc',
      message: null,
      by: acknowledged.acknowledgedBy,
    });
  });
});

import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import mqtt from 'mqtt';
import { AttributeIds, OPCUAClient } from 'node-opcua';
import WebSocket from 'ws';
import {
  ENTERPRISE,
  ORDER_STATES,
  orderNodeId,
  orderParametersFor,
  unsOrderTopic,
} from '@plantgraph/demo-catalog';
import type { DownloadConfig, PlantConfig } from '@plantgraph/ingest';
import { DOWNLOAD_STATUS, type DownloadStatus, type Machine } from '@plantgraph/simulator';
import { hasTestBroker, live, TEST_BROKER_KINDS } from '@plantgraph/testing';
import {
  eventually,
  startLiveGraph,
  startLivePlant,
  type BrokerKind,
  type LiveGraph,
  type LivePlant,
} from './fixtures/live-plant.ts';

const at = (path: string) => `${ENTERPRISE.name}/${path}`;

/** The fastest machine type with an order interface in each protocol: parts come in real time. */
const PRESS_01 = at('Dresden/Body Shop/Line 1/Press 01');
const BODY_LINE_1 = at('Dresden/Body Shop/Line 1');
const CONVEYOR_04 = at('Lyon/Paint Shop/Line 2/Conveyor 04');
const PAINT_LINE_2 = at('Lyon/Paint Shop/Line 2');
/** Machines whose order interface the tests reconfigure (`testDownloads`). */
const PRESS_02 = at('Dresden/Body Shop/Line 2/Press 02');
const SPOT_WELDER_02 = at('Dresden/Body Shop/Line 2/Welding Cell 02/Spot Welder 02');
const TORQUE_STATION_01 = at('Dresden/Assembly/Line 1/Torque Station 01');
const TORQUE_STATION_02 = at('Dresden/Assembly/Line 2/Torque Station 02');
const ROBOT_CELL_01 = at('Dresden/Assembly/Line 1/Robot Cell 01');
const CONVEYOR_01 = at('Dresden/Assembly/Line 1/Conveyor 01');
const CONVEYOR_02 = at('Dresden/Assembly/Line 2/Conveyor 02');
const PAINT_ROBOT_02 = at('Lyon/Paint Shop/Line 2/Paint Robot 02');
/** Machines the abort and per-machine dispatch tests have to themselves. */
const WELDING_ROBOT_01 = at('Dresden/Body Shop/Line 1/Welding Cell 01/Welding Robot 01');
const WELDING_ROBOT_02 = at('Dresden/Body Shop/Line 2/Welding Cell 02/Welding Robot 02');
const ROBOT_CELL_02 = at('Dresden/Assembly/Line 2/Robot Cell 02');
const PAINT_ROBOT_01 = at('Lyon/Paint Shop/Line 1/Paint Robot 01');
const CURING_OVEN_01 = at('Lyon/Paint Shop/Line 1/Curing Oven 01');
const CONVEYOR_03 = at('Lyon/Paint Shop/Line 1/Conveyor 03');

const UNREACHABLE = 'dresden-unreachable';
const MISSING_ORDER_FOLDER = 'ns=2;s=Dresden.Nowhere.Order';
/** Order topics no machine listens on; the run's UNS prefix is put in front of them. */
const SILENT_TOPIC = 'acme/lyon/paint-shop/line-2/nobody/order';
const PATIENT_SILENT_TOPIC = 'acme/lyon/paint-shop/line-1/nobody/order';
/** Longer than the test: the patient silent machine's one attempt waits until the test answers. */
const PATIENT_ACK_TIMEOUT_MS = 120_000;

/**
 * Retry settings and faults per machine: a connection with nothing listening, an order folder
 * the server does not have, a topic nobody answers, and patient retries where a test keeps the
 * machine from answering for a while.
 */
const DOWNLOAD_OVERRIDES: Record<string, Partial<DownloadConfig>> = {
  [TORQUE_STATION_01]: {
    connection: UNREACHABLE,
    maxAttempts: 3,
    ackTimeoutMs: 500,
    retryBackoffMs: 100,
  },
  // The second attempt would come long after the command expired.
  [TORQUE_STATION_02]: {
    connection: UNREACHABLE,
    maxAttempts: 5,
    ackTimeoutMs: 500,
    retryBackoffMs: 2000,
  },
  [ROBOT_CELL_01]: {
    nodeId: MISSING_ORDER_FOLDER,
    maxAttempts: 2,
    ackTimeoutMs: 1000,
    retryBackoffMs: 100,
  },
  [PRESS_02]: { maxAttempts: 20, ackTimeoutMs: 1000, retryBackoffMs: 100 },
  [SPOT_WELDER_02]: { maxAttempts: 20, ackTimeoutMs: 1000, retryBackoffMs: 100 },
  [CONVEYOR_01]: { maxAttempts: 20, ackTimeoutMs: 1000, retryBackoffMs: 100 },
  // Patient: a rejection must end the download at once, however slow the answer.
  [CONVEYOR_02]: { maxAttempts: 20, ackTimeoutMs: 5000, retryBackoffMs: 100 },
  [PAINT_ROBOT_02]: { topic: SILENT_TOPIC, maxAttempts: 2, ackTimeoutMs: 400, retryBackoffMs: 100 },
  // One long attempt: while it waits, other machines' commands must go on.
  [CURING_OVEN_01]: {
    topic: PATIENT_SILENT_TOPIC,
    maxAttempts: 1,
    ackTimeoutMs: PATIENT_ACK_TIMEOUT_MS,
  },
  [ROBOT_CELL_02]: { maxAttempts: 2, ackTimeoutMs: 5000, retryBackoffMs: 100 },
};

/** The demo configuration with `DOWNLOAD_OVERRIDES` and an OPC UA connection to `endpoint`. */
function testDownloads(endpoint: string) {
  return (config: PlantConfig): PlantConfig => {
    const dresden = config.connections.find((connection) => connection.id === 'dresden-opcua');
    if (dresden?.kind !== 'opcua')
      throw new Error('the demo plant has no dresden-opcua connection');
    const unknown = Object.keys(DOWNLOAD_OVERRIDES).filter(
      (path) => !config.downloads.some((download) => download.asset === path),
    );
    if (unknown.length > 0)
      throw new Error(`no order interface to change at ${unknown.join(', ')}`);
    return {
      ...config,
      connections: [...config.connections, { ...dresden, id: UNREACHABLE, endpoint }],
      downloads: config.downloads.map((download) => ({
        ...download,
        ...DOWNLOAD_OVERRIDES[download.asset],
      })),
    };
  };
}

/** An OPC UA endpoint on a loopback port nothing listens on. */
async function unreachableEndpoint(): Promise<string> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  return `opc.tcp://127.0.0.1:${port}/plantgraph`;
}

const MACHINE = `query ($path: String!) {
  assetByPath(path: $path) { id path orderDownload { connection parameters { name unit min max } } }
}`;
const CREATE = `mutation ($input: CreateProductionOrderInput!) {
  createProductionOrder(input: $input) { id number status }
}`;
const RELEASE = `mutation ($id: ID!) { releaseOrder(id: $id) { status } }`;
const CANCEL = `mutation ($id: ID!) { cancelProductionOrder(id: $id) { status } }`;
const ABORT = `mutation ($id: ID!, $reason: String) {
  abortOrder(id: $id, reason: $reason) { status }
}`;
const COMMANDS = `query ($id: ID!) {
  productionOrder(id: $id) {
    machineCommands { id kind state attempts error requestedBy reason }
  }
}`;
const DOWNLOAD = `mutation ($orderId: ID!, $equipmentId: ID!, $expiresAt: DateTime) {
  downloadOrder(orderId: $orderId, equipmentId: $equipmentId, expiresAt: $expiresAt) {
    id status equipment { id }
  }
}`;
const ORDER = `query ($id: ID!) {
  productionOrder(id: $id) {
    id number status failureReason
    progress { good reject remaining }
    equipment { id }
    statusHistory { from to actor reason }
  }
}`;
const STATUS_CHANGES = `subscription ($ids: [ID!]) {
  orderStatusChanged(orderIds: $ids) { from to actor reason }
}`;

interface SetpointLimit {
  name: string;
  unit: string | null;
  min: number;
  max: number;
}

interface MachineInGraph {
  id: string;
  path: string;
  orderDownload: { connection: string; parameters: SetpointLimit[] } | null;
}

interface Step {
  from: string | null;
  to: string;
  actor: string;
  reason: string | null;
}

interface Order {
  id: string;
  number: string;
  status: string;
  failureReason: string | null;
  progress: { good: number; reject: number; remaining: number };
  equipment: { id: string } | null;
  statusHistory: Step[];
}

interface OrderInput {
  number: string;
  idempotencyKey: string;
  material: string;
  quantity: number;
  assetId: string;
  parameters: { name: string; value: number; unit: string | null }[];
}

interface MachineCommandInGraph {
  id: string;
  kind: string;
  state: string;
  attempts: number;
  error: string | null;
  requestedBy: string | null;
  reason: string | null;
}

interface GraphQLError {
  message: string;
  extensions?: { code?: string; argument?: string };
}

interface Command {
  id: string;
  state: string;
  attempts: number;
  last_error: string | null;
}

/** The live plant, the graph over it and a graphql-ws client of that graph. */
interface Live {
  plant: LivePlant;
  graph: LiveGraph;
  client: Client;
}

const FINAL = ['COMPLETED', 'ABORTED', 'CANCELLED', 'DOWNLOAD_FAILED'];
/** The statuses of a download that went through, in the order they happen. */
const LIFECYCLE = ['CREATED', 'RELEASED', 'DOWNLOADING', 'DOWNLOADED', 'RUNNING', 'COMPLETED'];
const ACKNOWLEDGED = ['DOWNLOADED', 'RUNNING', 'COMPLETED'];

const connectClient = (graph: LiveGraph) =>
  createClient({
    url: graph.url.replace(/^http/, 'ws'),
    connectionParams: graph.connectionParams,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });

/** A plant on `broker` with the test's order interfaces, a graph over it and a client. */
function useLivePlant(broker: BrokerKind): Live {
  const env = {} as Live;
  beforeAll(async () => {
    env.plant = await startLivePlant(broker, {
      orderPollMs: 100,
      configure: testDownloads(await unreachableEndpoint()),
    });
    env.graph = await startLiveGraph(env.plant);
    env.client = connectClient(env.graph);
    // The machines must be reachable before a download is timed or its attempts counted; the
    // connection the test makes unreachable on purpose is not waited for.
    const machines = ['dresden-opcua', 'lyon-sparkplug', 'lyon-uns'];
    await eventually(
      async () =>
        env.plant.runtime.health
          .statuses()
          .filter((status) => machines.includes(status.id))
          .every((status) => status.state === 'CONNECTED'),
      30_000,
      'the plant connections',
    );
  });
  afterAll(async () => {
    await env.client?.dispose();
    await env.graph?.close();
    await env.plant?.close();
  });
  return env;
}

/** POSTs an operation to the gateway over HTTP, as any client would, with the graph's API key. */
async function post<T>(
  env: Live,
  query: string,
  variables: object,
): Promise<{ data?: T | null; errors?: GraphQLError[] }> {
  const response = await fetch(env.graph.url, {
    method: 'POST',
    headers: env.graph.headers,
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T | null; errors?: GraphQLError[] };
}

/** Like `post`, failing with the errors when there are any. */
async function request<T>(env: Live, query: string, variables: object): Promise<T> {
  const body = await post<T>(env, query, variables);
  if (body.errors?.length || !body.data) {
    throw new Error(`the gateway answered ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

/** The one error of a refused operation. */
async function refusal(env: Live, query: string, variables: object): Promise<GraphQLError> {
  const body = await post(env, query, variables);
  expect(body.errors).toHaveLength(1);
  return body.errors![0]!;
}

async function machineInGraph(env: Live, path: string): Promise<MachineInGraph> {
  const { assetByPath } = await request<{ assetByPath: MachineInGraph | null }>(env, MACHINE, {
    path,
  });
  if (!assetByPath) throw new Error(`no asset at ${path}`);
  return assetByPath;
}

const createOrder = async (env: Live, input: OrderInput) =>
  (
    await request<{ createProductionOrder: { id: string; number: string; status: string } }>(
      env,
      CREATE,
      { input },
    )
  ).createProductionOrder;

async function release(env: Live, id: string): Promise<void> {
  const { releaseOrder } = await request<{ releaseOrder: { status: string } }>(env, RELEASE, {
    id,
  });
  expect(releaseOrder.status).toBe('RELEASED');
}

async function download(env: Live, orderId: string, equipmentId: string, expiresAt?: Date) {
  const { downloadOrder } = await request<{
    downloadOrder: { id: string; status: string; equipment: { id: string } | null };
  }>(env, DOWNLOAD, { orderId, equipmentId, expiresAt: expiresAt?.toISOString() ?? null });
  expect(downloadOrder).toEqual({
    id: orderId,
    status: 'DOWNLOADING',
    equipment: { id: equipmentId },
  });
}

async function readOrder(env: Live, id: string): Promise<Order> {
  const { productionOrder } = await request<{ productionOrder: Order }>(env, ORDER, { id });
  return productionOrder;
}

/** Polls the order until it is in one of `statuses`; fails at once if it ends elsewhere. */
function waitForStatus(env: Live, id: string, statuses: string[], timeoutMs: number) {
  return eventually(
    async () => {
      const order = await readOrder(env, id);
      if (statuses.includes(order.status)) return order;
      if (FINAL.includes(order.status)) {
        throw new Error(`order ${order.number} ended ${order.status}: ${order.failureReason}`);
      }
      return undefined;
    },
    timeoutMs,
    `the order to become ${statuses.join(' or ')}`,
  );
}

const commandsOf = (env: Live, orderId: string) =>
  env.plant.database.sql.query<Command>(
    `select id, state::text as state, attempts, last_error
       from download_command where order_id = $1 order by created_at`,
    [orderId],
  );

/** The simulated machine at `path`; the simulator's ids are not the database's. */
function simulated(machines: readonly Machine[], path: string): Machine {
  const machine = machines.find((candidate) => candidate.equipment.asset.path === path);
  if (!machine) throw new Error(`the simulator has no machine at ${path}`);
  return machine;
}

/** Setpoints a quarter into each range: valid, and unlike the values the simulator starts with. */
const setpointsWithin = (limits: SetpointLimit[]) =>
  limits.map((limit) => ({
    name: limit.name,
    value: limit.min + (limit.max - limit.min) / 4,
    unit: limit.unit,
  }));

const newOrder = (assetId: string, quantity: number, parameters: OrderInput['parameters']) => ({
  number: `T-${randomUUID().slice(0, 8)}`,
  idempotencyKey: randomUUID(),
  material: `TEST-${randomUUID().slice(0, 4)} Bracket`,
  quantity,
  assetId,
  parameters,
});

/** A RELEASED order for `machine` with setpoints within its limits. */
async function releasedOrder(env: Live, machine: MachineInGraph, quantity = 1) {
  const order = await createOrder(
    env,
    newOrder(machine.id, quantity, setpointsWithin(machine.orderDownload!.parameters)),
  );
  await release(env, order.id);
  return order;
}

/**
 * Records the downloads the simulated machine is handed and what it made of them. Faults: while
 * `unanswered`, the PLC does not answer at all; `lostAnswers` answers are lost after the machine
 * took the order, as when a connection drops at the wrong moment.
 */
function watchDownloads(machine: Machine) {
  const take = machine.download.bind(machine);
  const faults = { unanswered: false, lostAnswers: 0 };
  const commandIds: string[] = [];
  const statuses: DownloadStatus[] = [];
  vi.spyOn(machine, 'download').mockImplementation((order) => {
    commandIds.push(order.commandId);
    if (faults.unanswered) throw new Error('the PLC does not answer');
    const status = take(order);
    statuses.push(status);
    if (faults.lostAnswers > 0) {
      faults.lostAnswers--;
      throw new Error('the answer is lost');
    }
    return status;
  });
  return { faults, commandIds, statuses };
}

/** Reads values of the order interface of the machine at `path` from the OPC UA server. */
async function readOrderNodes(endpointUrl: string, path: string, fields: string[]) {
  const client = OPCUAClient.create({
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 3, initialDelay: 200, maxDelay: 1000 },
  });
  await client.connect(endpointUrl);
  try {
    const session = await client.createSession();
    try {
      const values = await session.read(
        fields.map((field) => ({
          nodeId: orderNodeId(path, field),
          attributeId: AttributeIds.Value,
        })),
      );
      return Object.fromEntries(
        fields.map((field, index) => [field, values[index]!.value.value as unknown]),
      );
    } finally {
      await session.close();
    }
  } finally {
    await client.disconnect();
  }
}

/** Collects the JSON messages published on `topic` of the plant's broker, retained ones included. */
async function watchTopic(env: Live, topic: string) {
  const client = await mqtt.connectAsync(env.plant.brokerUrl, {
    clientId: `order-test-${randomUUID().slice(0, 8)}`,
  });
  const messages: Record<string, unknown>[] = [];
  client.on('message', (received, payload) => {
    // An empty payload deletes a retained message; it is no report.
    if (received === topic && payload.length > 0)
      messages.push(JSON.parse(payload.toString()) as Record<string, unknown>);
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return {
    messages,
    /** Removes the retained message, so a shared broker does not keep this run's reports. */
    clearRetained: () => client.publishAsync(topic, '', { qos: 1, retain: true }),
    close: () => client.endAsync(),
  };
}

interface DownloadScenario {
  machinePath: string;
  /** The line the order is planned for; it is downloaded to the machine below it. */
  linePath: string;
  connection: string;
  machine: Machine;
  quantity: number;
  /** Checks on the machine's side that the order arrived, once it is DOWNLOADED. */
  checkArrived(commandId: string, input: OrderInput): Promise<void>;
}

/**
 * The whole path of one order through the gateway: created (twice, with one key), released,
 * downloaded, refused as a second order for the busy machine, acknowledged, run and completed,
 * with what the machine made; one command reached the machine, once.
 */
async function downloadAndComplete(env: Live, scenario: DownloadScenario): Promise<void> {
  const { machine, quantity } = scenario;
  const target = await machineInGraph(env, scenario.machinePath);
  expect(target.orderDownload).toEqual({
    connection: scenario.connection,
    parameters: orderParametersFor(machine.equipment.type).map(({ name, unit, min, max }) => ({
      name,
      unit,
      min,
      max,
    })),
  });
  const line = await machineInGraph(env, scenario.linePath);
  const downloads = watchDownloads(machine);
  const input = newOrder(line.id, quantity, setpointsWithin(target.orderDownload!.parameters));

  const created = await createOrder(env, input);
  expect(created.status).toBe('CREATED');
  expect(await createOrder(env, input)).toEqual(created);
  const reused = await refusal(env, CREATE, { input: { ...input, quantity: quantity + 1 } });
  expect(reused.extensions?.code).toBe('CONFLICT');
  expect(reused.message).toContain('input.idempotencyKey');

  const stream = await live(env.client, STATUS_CHANGES, { ids: [created.id] });
  try {
    await release(env, created.id);
    await download(env, created.id, target.id);
    // The key again, as an ERP resending after a timeout: the same order, nothing new.
    expect((await createOrder(env, input)).id).toBe(created.id);

    const second = await releasedOrder(env, target);
    const busy = await refusal(env, DOWNLOAD, { orderId: second.id, equipmentId: target.id });
    expect(busy.extensions?.code).toBe('CONFLICT');
    expect(busy.message).toContain(created.number);
    expect((await readOrder(env, second.id)).status).toBe('RELEASED');
    expect(await commandsOf(env, second.id)).toEqual([]);
    await request(env, CANCEL, { id: second.id });

    const downloaded = await waitForStatus(env, created.id, ACKNOWLEDGED, 30_000);
    expect(downloaded.equipment).toEqual({ id: target.id });
    const commands = await commandsOf(env, created.id);
    expect(commands).toEqual([
      { id: expect.any(String), state: 'ACKNOWLEDGED', attempts: 1, last_error: null },
    ]);
    const commandId = commands[0]!.id;
    await scenario.checkArrived(commandId, input);
    expect(machine.order).toMatchObject({
      commandId,
      number: input.number,
      material: input.material,
      quantity,
      parameters: Object.fromEntries(input.parameters.map(({ name, value }) => [name, value])),
    });

    // Parts come at the machine's real-time rate, whatever the simulator's speed.
    const completed = await waitForStatus(env, created.id, ['COMPLETED'], 90_000);
    expect(machine.orderState).toBe(ORDER_STATES.COMPLETE);
    expect(machine.orderGood).toBe(quantity);
    expect(completed.progress).toEqual({
      good: quantity,
      reject: machine.orderReject,
      remaining: 0,
    });
    const user = completed.statusHistory[0]!.actor;
    expect(user).not.toBe('machine');
    expect(completed.statusHistory).toMatchObject([
      { from: null, to: 'CREATED', actor: user },
      { from: 'CREATED', to: 'RELEASED', actor: user },
      { from: 'RELEASED', to: 'DOWNLOADING', actor: user },
      {
        from: 'DOWNLOADING',
        to: 'DOWNLOADED',
        actor: 'machine',
        reason: 'acknowledged by the machine (attempt 1)',
      },
      { from: 'DOWNLOADED', to: 'RUNNING', actor: 'machine' },
      {
        from: 'RUNNING',
        to: 'COMPLETED',
        actor: 'machine',
        reason: `completed on the machine: ${quantity} good, ${machine.orderReject} rejected`,
      },
    ]);

    // Each transition streamed once. Connectors and the subgraph publish on their own bus
    // connections, so arrival order across them is not guaranteed; the set is.
    const streamed = () =>
      stream.results.flatMap((result) => {
        const step = result.data?.orderStatusChanged as Step | undefined;
        return step ? [step] : [];
      });
    await eventually(
      async () => streamed().some((step) => step.to === 'COMPLETED'),
      10_000,
      'COMPLETED on orderStatusChanged',
    );
    expect(stream.results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const lifecycle = (step: Step) => LIFECYCLE.indexOf(step.to);
    expect(
      streamed()
        .sort((a, b) => lifecycle(a) - lifecycle(b))
        .map((step) => [step.from, step.to, step.actor]),
    ).toEqual(completed.statusHistory.slice(1).map((step) => [step.from, step.to, step.actor]));

    // One order for the key, one command, taken once by the machine.
    const [keyed] = await env.plant.database.sql.query<{ orders: number }>(
      'select count(*)::int as orders from production_order where idempotency_key = $1',
      [input.idempotencyKey],
    );
    expect(keyed!.orders).toBe(1);
    expect(await commandsOf(env, created.id)).toHaveLength(1);
    expect(downloads.commandIds).toEqual([commandId]);
    expect(downloads.statuses).toEqual([DOWNLOAD_STATUS.accepted]);
    expect(machine.activeCommandId).toBe(commandId);
  } finally {
    await stream.close();
  }
}

/** Downloads a fresh order to a machine that does not acknowledge it; the failed order. */
async function failedDownload(env: Live, path: string, expiresAt?: () => Date) {
  const target = await machineInGraph(env, path);
  const order = await releasedOrder(env, target);
  await download(env, order.id, target.id, expiresAt?.());
  const failed = await waitForStatus(env, order.id, ['DOWNLOAD_FAILED'], 20_000);
  expect(failed.failureReason).toBeTruthy();
  expect(failed.statusHistory.at(-1)).toEqual({
    from: 'DOWNLOADING',
    to: 'DOWNLOAD_FAILED',
    actor: 'machine',
    reason: failed.failureReason,
  });
  const commands = await commandsOf(env, order.id);
  expect(commands).toHaveLength(1);
  expect(commands[0]!.state).toBe('FAILED');
  return { failed, command: commands[0]!, config: DOWNLOAD_OVERRIDES[path]! };
}

/**
 * Keeps the machine from answering while `restart` runs with the order DOWNLOADING, then lets it
 * answer: the order reaches DOWNLOADED once, through one command the machine took once.
 */
async function downloadAcrossRestart(
  env: Live,
  path: string,
  restart: () => Promise<void>,
): Promise<void> {
  const machine = simulated(env.plant.opcua.machines, path);
  const downloads = watchDownloads(machine);
  downloads.faults.unanswered = true;
  const target = await machineInGraph(env, path);
  const order = await releasedOrder(env, target);
  await download(env, order.id, target.id);
  const tried = await eventually(
    async () => {
      const [command] = await commandsOf(env, order.id);
      return command && command.attempts >= 2 && command;
    },
    10_000,
    'two attempts the machine did not answer',
  );
  expect(tried.state).toBe('PENDING');

  await restart();
  expect((await readOrder(env, order.id)).status).toBe('DOWNLOADING');
  downloads.faults.unanswered = false;

  const downloaded = await waitForStatus(env, order.id, ACKNOWLEDGED, 60_000);
  const commands = await commandsOf(env, order.id);
  expect(commands).toHaveLength(1);
  const [command] = commands;
  expect(command).toMatchObject({ state: 'ACKNOWLEDGED' });
  expect(command!.attempts).toBeGreaterThan(tried.attempts);
  const steps = downloaded.statusHistory.map((step) => `${step.from}>${step.to}`);
  expect(steps.slice(0, 4)).toEqual([
    'null>CREATED',
    'CREATED>RELEASED',
    'RELEASED>DOWNLOADING',
    'DOWNLOADING>DOWNLOADED',
  ]);
  expect(steps.filter((step) => step.endsWith('>DOWNLOADED'))).toHaveLength(1);
  expect(downloaded.statusHistory[3]!.reason).toBe(
    `acknowledged by the machine (attempt ${command!.attempts})`,
  );
  // Every attempt carried the one command; the machine took it once, after it answered again.
  expect(new Set(downloads.commandIds)).toEqual(new Set([command!.id]));
  expect(downloads.statuses).toEqual([DOWNLOAD_STATUS.accepted]);
  expect(machine.activeCommandId).toBe(command!.id);
}

/** An order an operator starts at the machine itself, past the platform. */
const LOCAL_ORDER = {
  material: 'LOCAL Bracket',
  quantity: 100_000,
  parameters: {},
};

const machineCommands = async (env: Live, id: string) =>
  (
    await request<{ productionOrder: { machineCommands: MachineCommandInGraph[] } }>(
      env,
      COMMANDS,
      { id },
    )
  ).productionOrder.machineCommands;

/** Asks the graph to abort the order; the status the mutation answers. */
async function abortThroughGraph(env: Live, id: string, reason: string): Promise<string> {
  const { abortOrder } = await request<{ abortOrder: { status: string } }>(env, ABORT, {
    id,
    reason,
  });
  return abortOrder.status;
}

/** An order downloaded to the machine at `path` and running there, with its download's id. */
async function runningOrder(env: Live, path: string) {
  const target = await machineInGraph(env, path);
  // Far more than a test lasts: the order still runs when it is aborted.
  const order = await releasedOrder(env, target, 100_000);
  await download(env, order.id, target.id);
  await waitForStatus(env, order.id, ['RUNNING'], 30_000);
  const [command] = await commandsOf(env, order.id);
  return { order, target, downloadId: command!.id };
}

/**
 * Aborts a running order through the graph and waits until the machine acknowledged the abort:
 * the order is ABORTED by the machine's report, naming who asked and why, the machine has
 * stopped it, and both commands are on the order's record.
 */
async function abortOnMachine(env: Live, path: string, machine: Machine) {
  const { order, downloadId } = await runningOrder(env, path);
  const answered = await abortThroughGraph(env, order.id, 'material shortage');
  // The order stays RUNNING until the machine acknowledges, which may beat the mutation's answer.
  expect(['RUNNING', 'ABORTED']).toContain(answered);
  const aborted = await waitForStatus(env, order.id, ['ABORTED'], 20_000);
  const user = aborted.statusHistory[0]!.actor;
  const commands = await machineCommands(env, order.id);
  expect(commands).toEqual([
    {
      id: downloadId,
      kind: 'DOWNLOAD',
      state: 'ACKNOWLEDGED',
      attempts: 1,
      error: null,
      requestedBy: null,
      reason: null,
    },
    {
      id: expect.any(String),
      kind: 'ABORT',
      state: 'ACKNOWLEDGED',
      attempts: 1,
      error: null,
      requestedBy: user,
      reason: 'material shortage',
    },
  ]);
  expect(aborted.statusHistory.at(-1)).toEqual({
    from: 'RUNNING',
    to: 'ABORTED',
    actor: 'machine',
    reason: `aborted on the machine (attempt 1), requested by ${user}: material shortage`,
  });
  expect(machine.orderState).toBe(ORDER_STATES.ABORTED);
  expect(machine.activeCommandId).toBe(downloadId);
  return { order: { ...order, downloadId }, abortId: commands[1]!.id };
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** The Dresden path: the order is written to the simulator's OPC UA server and verified. */
function opcuaTests(env: Live): void {
  it('refuses a setpoint outside the machine limits, naming it, and sends nothing', async () => {
    const press = await machineInGraph(env, PRESS_01);
    const machine = simulated(env.plant.opcua.machines, PRESS_01);
    const downloads = watchDownloads(machine);
    const [limit] = press.orderDownload!.parameters;
    const order = await createOrder(
      env,
      newOrder(press.id, 1, [{ name: limit!.name, value: limit!.max + 15, unit: limit!.unit }]),
    );
    await release(env, order.id);

    const refused = await refusal(env, DOWNLOAD, { orderId: order.id, equipmentId: press.id });
    expect(refused.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: `parameters.${limit!.name}`,
    });
    expect(refused.message).toContain(`(${limit!.min} to ${limit!.max} ${limit!.unit})`);
    expect((await readOrder(env, order.id)).status).toBe('RELEASED');
    expect(await commandsOf(env, order.id)).toEqual([]);
    // A few dispatcher rounds: nothing reaches the machine.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(downloads.commandIds).toEqual([]);
    await request(env, CANCEL, { id: order.id });
  });

  it('writes the order to the press, which acknowledges, runs and completes it', async () => {
    const { plant } = env;
    await downloadAndComplete(env, {
      machinePath: PRESS_01,
      linePath: BODY_LINE_1,
      connection: 'dresden-opcua',
      machine: simulated(plant.opcua.machines, PRESS_01),
      quantity: 2,
      async checkArrived(commandId, input) {
        const parameters = input.parameters.map(({ name }) => `Parameters.${name}`);
        const fields = ['Number', 'Material', 'Quantity', 'CommandId', ...parameters];
        const nodes = await readOrderNodes(plant.opcua.endpointUrl, PRESS_01, [
          ...fields,
          'ActiveCommandId',
        ]);
        expect(nodes).toEqual({
          Number: input.number,
          Material: input.material,
          Quantity: input.quantity,
          CommandId: commandId,
          ...Object.fromEntries(
            input.parameters.map(({ name, value }) => [`Parameters.${name}`, value]),
          ),
          ActiveCommandId: commandId,
        });
      },
    });
  }, 150_000);

  it('fails the download after the configured attempts when the machine cannot be reached', async () => {
    const { failed, command, config } = await failedDownload(env, TORQUE_STATION_01);
    expect(command.attempts).toBe(config.maxAttempts);
    expect(failed.failureReason).toMatch(
      new RegExp(`^no acknowledgement after ${config.maxAttempts} attempts: .*not connected`),
    );
    expect(failed.failureReason).toContain(command.last_error);
  });

  it('fails the download when the order nodes cannot be written', async () => {
    const machine = simulated(env.plant.opcua.machines, ROBOT_CELL_01);
    const downloads = watchDownloads(machine);
    const { failed, command, config } = await failedDownload(env, ROBOT_CELL_01);
    expect(command.attempts).toBe(config.maxAttempts);
    expect(failed.failureReason).toBe(
      `no acknowledgement after ${config.maxAttempts} attempts: ` +
        `writing ${MISSING_ORDER_FOLDER}.Number failed: BadNodeIdUnknown`,
    );
    expect(downloads.commandIds).toEqual([]);
  });

  it('fails a download that expires before the machine can be reached', async () => {
    let expiresAt = new Date();
    const { failed, command, config } = await failedDownload(env, TORQUE_STATION_02, () => {
      expiresAt = new Date(Date.now() + 1500);
      return expiresAt;
    });
    expect(failed.failureReason).toBe(
      `the command expired at ${expiresAt.toISOString()} before the machine acknowledged it`,
    );
    expect(command.attempts).toBeLessThan(config.maxAttempts!);
  });

  it('counts an answer lost after the machine took the order once: the retry is a duplicate', async () => {
    const machine = simulated(env.plant.opcua.machines, CONVEYOR_01);
    const downloads = watchDownloads(machine);
    downloads.faults.lostAnswers = 1;
    const target = await machineInGraph(env, CONVEYOR_01);
    const order = await releasedOrder(env, target);
    await download(env, order.id, target.id);

    const downloaded = await waitForStatus(env, order.id, ACKNOWLEDGED, 20_000);
    const commands = await commandsOf(env, order.id);
    expect(commands).toEqual([
      {
        id: expect.any(String),
        state: 'ACKNOWLEDGED',
        attempts: 2,
        last_error: expect.stringContaining('BadInternalError'),
      },
    ]);
    const commandId = commands[0]!.id;
    expect(downloaded.statusHistory.filter((step) => step.to === 'DOWNLOADED')).toEqual([
      {
        from: 'DOWNLOADING',
        to: 'DOWNLOADED',
        actor: 'machine',
        reason: `the machine already had command ${commandId}`,
      },
    ]);
    expect(downloads.commandIds).toEqual([commandId, commandId]);
    expect(downloads.statuses).toEqual([DOWNLOAD_STATUS.accepted, DOWNLOAD_STATUS.duplicate]);
    expect(machine.activeCommandId).toBe(commandId);
  });

  it("fails a download the machine rejects at once, with the machine's reason, without retrying", async () => {
    const machine = simulated(env.plant.opcua.machines, CONVEYOR_02);
    // An operator runs an order of their own on the machine, which is busy with it.
    expect(machine.download({ ...LOCAL_ORDER, commandId: 'hmi-2', number: 'LOCAL-2' })).toBe(
      DOWNLOAD_STATUS.accepted,
    );
    const downloads = watchDownloads(machine);

    // The machine's interface allows 20 attempts; once the machine answers, its rejection ends
    // the download (attempts before it may have found the connection still coming up).
    const { failed, command } = await failedDownload(env, CONVEYOR_02);
    expect(command.attempts).toBeLessThan(DOWNLOAD_OVERRIDES[CONVEYOR_02]!.maxAttempts!);
    expect(failed.failureReason).toBe(
      'the machine rejected the order: busy with order LOCAL-2 (hmi-2)',
    );
    expect(downloads.commandIds).toEqual([command.id]);
    expect(downloads.statuses).toEqual([DOWNLOAD_STATUS.rejected]);
    expect(machine.activeCommandId).toBe('hmi-2');
    expect(await machineCommands(env, failed.id)).toEqual([
      {
        id: command.id,
        kind: 'DOWNLOAD',
        state: 'FAILED',
        attempts: command.attempts,
        error: failed.failureReason,
        requestedBy: null,
        reason: null,
      },
    ]);
  });

  it('aborts a running order on the machine, which stops it; ABORTED on its acknowledgement', async () => {
    const machine = simulated(env.plant.opcua.machines, WELDING_ROBOT_01);
    const { order } = await abortOnMachine(env, WELDING_ROBOT_01, machine);
    const nodes = await readOrderNodes(env.plant.opcua.endpointUrl, WELDING_ROBOT_01, [
      'State',
      'ActiveCommandId',
    ]);
    expect(nodes).toEqual({ State: ORDER_STATES.ABORTED, ActiveCommandId: order.downloadId });
  });

  it("keeps the order when the machine refuses the abort, with the machine's reason", async () => {
    const machine = simulated(env.plant.opcua.machines, WELDING_ROBOT_02);
    const { order, downloadId } = await runningOrder(env, WELDING_ROBOT_02);
    // At the machine an operator stops the order and starts one of their own.
    expect(machine.abort({ commandId: 'hmi-stop', orderCommandId: downloadId })).toBe(
      DOWNLOAD_STATUS.accepted,
    );
    expect(machine.download({ ...LOCAL_ORDER, commandId: 'hmi-1', number: 'LOCAL-1' })).toBe(
      DOWNLOAD_STATUS.accepted,
    );

    const answered = await abortThroughGraph(env, order.id, 'wrong material');
    expect(answered).toBe('RUNNING');
    const refused = await eventually(
      async () =>
        (await machineCommands(env, order.id)).find(
          (command) => command.kind === 'ABORT' && command.state !== 'PENDING',
        ),
      20_000,
      "the machine's answer to the abort",
    );
    expect(refused).toMatchObject({
      state: 'FAILED',
      attempts: 1,
      error:
        'the machine refused the abort: ' +
        `the machine holds order LOCAL-1 (hmi-1), not command ${downloadId}`,
      reason: 'wrong material',
    });
    const after = await readOrder(env, order.id);
    expect(after.status).toBe('RUNNING');
    expect(after.statusHistory.map((step) => step.to)).not.toContain('ABORTED');
    expect(machine.activeCommandId).toBe('hmi-1');
  });

  it('retries an abort the machine does not answer, then fails it; a later abort goes through', async () => {
    const machine = simulated(env.plant.opcua.machines, ROBOT_CELL_02);
    const { order } = await runningOrder(env, ROBOT_CELL_02);
    const abort = machine.abort.bind(machine);
    const sent: string[] = [];
    const faults = { unanswered: true };
    vi.spyOn(machine, 'abort').mockImplementation((request) => {
      sent.push(request.commandId);
      if (faults.unanswered) throw new Error('the PLC does not answer');
      return abort(request);
    });

    await abortThroughGraph(env, order.id, 'first try');
    const failed = await eventually(
      async () =>
        (await machineCommands(env, order.id)).find(
          (command) => command.kind === 'ABORT' && command.state === 'FAILED',
        ),
      20_000,
      'the unanswered abort to fail',
    );
    const { maxAttempts } = DOWNLOAD_OVERRIDES[ROBOT_CELL_02]!;
    expect(failed.attempts).toBe(maxAttempts);
    expect(failed.error).toMatch(
      new RegExp(
        `^no acknowledgement after ${maxAttempts} attempts: calling .*\\.Abort failed: BadInternalError`,
      ),
    );
    expect(sent).toEqual(Array(maxAttempts).fill(failed.id));
    expect((await readOrder(env, order.id)).status).toBe('RUNNING');

    faults.unanswered = false;
    await abortThroughGraph(env, order.id, 'second try');
    const aborted = await waitForStatus(env, order.id, ['ABORTED'], 20_000);
    expect(aborted.statusHistory.at(-1)?.reason).toMatch(/^aborted on the machine \(attempt 1\)/);
    expect(machine.orderState).toBe(ORDER_STATES.ABORTED);
  });

  it('neither loses nor repeats a download when the gateway restarts during DOWNLOADING', async () => {
    await downloadAcrossRestart(env, PRESS_02, async () => {
      await env.client.dispose();
      await env.graph.close();
      env.graph = await startLiveGraph(env.plant);
      env.client = connectClient(env.graph);
    });
  }, 90_000);

  it('neither loses nor repeats a download when the connectors restart during DOWNLOADING', async () => {
    await downloadAcrossRestart(env, SPOT_WELDER_02, () => env.plant.restartConnectors());
  }, 90_000);
}

/** The Lyon paint shop's path: the order is published in UNS JSON on the plant's broker. */
function unsTests(env: Live): void {
  const topic = (path: string, leaf: 'download' | 'abort' | 'progress') =>
    `${env.plant.unsPrefix}${unsOrderTopic(path, leaf)}`;

  it('publishes the order to the conveyor, which acknowledges, runs and completes it', async () => {
    const quantity = 2;
    const machine = simulated(env.plant.mqtt.machines, CONVEYOR_04);
    const published = await watchTopic(env, topic(CONVEYOR_04, 'download'));
    try {
      await downloadAndComplete(env, {
        machinePath: CONVEYOR_04,
        linePath: PAINT_LINE_2,
        connection: 'lyon-uns',
        machine,
        quantity,
        async checkArrived(commandId, input) {
          await eventually(
            async () => published.messages.length > 0,
            5000,
            'the download on the broker',
          );
          expect(published.messages).toEqual([
            {
              commandId,
              number: input.number,
              material: input.material,
              quantity: input.quantity,
              parameters: Object.fromEntries(
                input.parameters.map(({ name, value }) => [name, value]),
              ),
            },
          ]);
        },
      });
      // The machine's last report stays retained on the broker.
      const progress = await watchTopic(env, topic(CONVEYOR_04, 'progress'));
      try {
        await eventually(async () => progress.messages.length > 0, 5000, 'retained progress');
        expect(progress.messages[0]).toMatchObject({
          commandId: machine.activeCommandId,
          state: 'COMPLETE',
          good: quantity,
          reject: machine.orderReject,
        });
      } finally {
        await progress.clearRetained();
        await progress.close();
      }
      expect(published.messages).toHaveLength(1);
    } finally {
      await published.close();
    }
  }, 150_000);

  it('aborts an order on the machine over its abort topic; ABORTED on its acknowledgement', async () => {
    const machine = simulated(env.plant.mqtt.machines, PAINT_ROBOT_01);
    const sent = await watchTopic(env, topic(PAINT_ROBOT_01, 'abort'));
    try {
      const { order, abortId } = await abortOnMachine(env, PAINT_ROBOT_01, machine);
      expect(sent.messages).toEqual([{ commandId: abortId, orderCommandId: order.downloadId }]);
    } finally {
      await sent.close();
    }
    const progress = await watchTopic(env, topic(PAINT_ROBOT_01, 'progress'));
    try {
      await eventually(async () => progress.messages.length > 0, 5000, 'retained progress');
      expect(progress.messages.at(-1)).toMatchObject({ state: 'ABORTED' });
    } finally {
      await progress.clearRetained();
      await progress.close();
    }
  }, 90_000);

  it("keeps downloading to other machines while one machine's answer is awaited", async () => {
    const silent = await machineInGraph(env, CURING_OVEN_01);
    const answering = await machineInGraph(env, CONVEYOR_03);
    const first = await releasedOrder(env, silent);
    const second = await releasedOrder(env, answering);
    await download(env, first.id, silent.id);
    const waiting = await eventually(
      async () => {
        const [command] = await commandsOf(env, first.id);
        return command?.attempts === 1 && command;
      },
      10_000,
      "the silent machine's attempt",
    );

    await download(env, second.id, answering.id);
    const acknowledged = await waitForStatus(env, second.id, ACKNOWLEDGED, 20_000);
    expect(acknowledged.statusHistory[3]).toMatchObject({ to: 'DOWNLOADED', actor: 'machine' });
    // The other machine was served while the silent one's only attempt still waits.
    expect(await commandsOf(env, first.id)).toEqual([
      { id: waiting.id, state: 'PENDING', attempts: 1, last_error: null },
    ]);
    expect((await readOrder(env, first.id)).status).toBe('DOWNLOADING');

    // The silent machine answers at last, on its ack topic; its attempt was waiting all along.
    const late = await mqtt.connectAsync(env.plant.brokerUrl, {
      clientId: `order-test-${randomUUID().slice(0, 8)}`,
    });
    try {
      await late.publishAsync(
        `${env.plant.unsPrefix}${PATIENT_SILENT_TOPIC}/ack`,
        JSON.stringify({ commandId: waiting.id, status: 'accepted' }),
        { qos: 1 },
      );
    } finally {
      await late.endAsync();
    }
    const answered = await waitForStatus(env, first.id, ACKNOWLEDGED, 20_000);
    expect(answered.statusHistory[3]).toMatchObject({
      to: 'DOWNLOADED',
      actor: 'machine',
      reason: 'acknowledged by the machine (attempt 1)',
    });
    expect(await commandsOf(env, first.id)).toEqual([
      { id: waiting.id, state: 'ACKNOWLEDGED', attempts: 1, last_error: null },
    ]);
  }, 90_000);

  it('fails the download after the configured attempts when the machine does not answer', async () => {
    const sent = await watchTopic(env, `${env.plant.unsPrefix}${SILENT_TOPIC}/download`);
    try {
      const { failed, command, config } = await failedDownload(env, PAINT_ROBOT_02);
      expect(command.attempts).toBe(config.maxAttempts);
      expect(failed.failureReason).toMatch(
        new RegExp(
          `^no acknowledgement after ${config.maxAttempts} attempts: ` +
            `.*no answer within ${config.ackTimeoutMs} ms`,
        ),
      );
      // Every attempt went out on the broker, each with the one command id.
      await eventually(
        async () => sent.messages.length >= config.maxAttempts!,
        5000,
        'the attempts on the broker',
      );
      expect(sent.messages.map((message) => message.commandId)).toEqual(
        Array(config.maxAttempts).fill(command.id),
      );
    } finally {
      await sent.close();
    }
  });

  it('downloads over an interface a new configuration changed, without a restart', async () => {
    const { plant } = env;
    const running = plant.config;
    // The robot's real order topic, where the simulated machine listens, instead of the silent one.
    const changed: PlantConfig = {
      ...running,
      downloads: running.downloads.map((download) =>
        download.asset === PAINT_ROBOT_02
          ? { ...download, topic: topic(PAINT_ROBOT_02, 'download').replace(/\/download$/, '') }
          : download,
      ),
    };
    const machine = simulated(plant.mqtt.machines, PAINT_ROBOT_02);
    const real = await watchTopic(env, topic(PAINT_ROBOT_02, 'download'));
    const silent = await watchTopic(env, `${plant.unsPrefix}${SILENT_TOPIC}/download`);
    try {
      await plant.runtime.reconcile(changed, null);
      const target = await machineInGraph(env, PAINT_ROBOT_02);
      const order = await releasedOrder(env, target);
      await download(env, order.id, target.id);
      await waitForStatus(env, order.id, ACKNOWLEDGED, 30_000);
      const [command, ...more] = await commandsOf(env, order.id);
      expect(more).toEqual([]);
      expect(command).toMatchObject({ state: 'ACKNOWLEDGED', attempts: 1 });
      await eventually(async () => real.messages.length > 0, 5000, 'the download on the broker');
      expect(real.messages.map((message) => message.commandId)).toEqual([command!.id]);
      expect(silent.messages).toEqual([]);
      expect(machine.activeCommandId).toBe(command!.id);
    } finally {
      await real.close();
      await silent.close();
      await plant.runtime.reconcile(running, null);
    }
  }, 90_000);
}

/**
 * Production orders end to end through the gateway: mutations go through the orders subgraph to
 * the connector runtime, which writes them to the simulator's real OPC UA server or publishes them
 * on a real broker, and follows the machine until it reports the order complete.
 */
for (const broker of TEST_BROKER_KINDS) {
  describe.runIf(hasTestBroker(broker))(
    `order download through the gateway with the ${broker} broker`,
    () => {
      const env = useLivePlant(broker);
      // Over OPC UA the broker only carries the event bus: one broker is enough.
      if (broker === 'embedded') describe('over OPC UA', () => opcuaTests(env));
      describe('over MQTT (UNS JSON)', () => unsTests(env));
    },
  );
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { plcStateCodes, type PlantEquipment } from '@plantgraph/demo-catalog';
import { live, testBrokerKind } from '@plantgraph/testing';
import {
  eventually,
  startLiveGraph,
  type LiveGraph,
  startLivePlant,
  type LivePlant,
} from './fixtures/live-plant.ts';

/** An hour of plant time per second; a tick is 6 plant minutes, shorter than most interruptions. */
const SPEED = 3600;
const TICK_MS = 100;
/** An 8-hour shift, in real milliseconds. */
const SHIFT_MS = (8 * 3600 * 1000) / SPEED;
/** Enough of a shift per site: this many machines with at least this many changes each. */
const BUSY_MACHINES = 3;
const CHANGES_PER_MACHINE = 3;

const STATE_CHANGES = `subscription ($under: ID!) {
  machineStateChanged(under: $under) { state since reason asset { id } }
}`;

const SITE_ID = `query ($name: String!) { assetByPath(path: $name) { id } }`;

const STORED_STATES = `query ($site: ID!, $from: DateTime!, $to: DateTime!) {
  assets(kind: EQUIPMENT, under: $site, first: 100) {
    edges { node {
      id path
      state { state since reason }
      stateHistory(from: $from, to: $to) { state since until reason }
    } }
  }
}`;

interface Change {
  state: string;
  since: string;
  reason: string | null;
}

interface Period extends Change {
  until: string | null;
}

interface StoredMachine {
  id: string;
  path: string;
  state: Change | null;
  stateHistory: Period[];
}

type LiveSubscription = Awaited<ReturnType<typeof live>>;

interface Site {
  name: string;
  id: string;
  subscription: LiveSubscription;
  /** Filled in once the shift is over. */
  stored: StoredMachine[];
}

const SITES = ['Dresden', 'Lyon'] as const;

/** POSTs an operation to the gateway over HTTP, as any client would; fails on GraphQL errors. */
async function query<T>(graph: LiveGraph, document: string, variables: object): Promise<T> {
  const response = await fetch(graph.url, {
    method: 'POST',
    headers: graph.headers,
    body: JSON.stringify({ query: document, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

/** The changes streamed so far, with the id of their asset. */
function streamed(subscription: LiveSubscription): (Change & { assetId: string })[] {
  return subscription.results.flatMap((result) => {
    const change = result.data?.machineStateChanged as
      (Change & { asset: { id: string } }) | undefined;
    if (!change) return [];
    const { state, since, reason, asset } = change;
    return [{ state, since, reason, assetId: asset.id }];
  });
}

/** Streamed changes per asset id, in the order they arrived. */
function byAsset(subscription: LiveSubscription): Map<string, Change[]> {
  const changes = new Map<string, Change[]>();
  for (const { assetId, ...change } of streamed(subscription)) {
    changes.set(assetId, [...(changes.get(assetId) ?? []), change]);
  }
  return changes;
}

const enoughOfAShift = (site: Site) =>
  [...byAsset(site.subscription).values()].filter(
    (changes) => changes.length >= CHANGES_PER_MACHINE,
  ).length >= BUSY_MACHINES;

const after = (time: number) => (change: Change) => Date.parse(change.since) > time;
const asChange = ({ state, since, reason }: Change): Change => ({ state, since, reason });

/**
 * The machine state model end to end: the simulators run a shift of PLC state changes in a few
 * seconds (OPC UA in Dresden, Sparkplug B and UNS JSON in Lyon), the connectors derive states
 * from the PLC state codes, store them and put them on the bus, and the gateway streams them.
 * Once the simulators stop, what was streamed must be exactly what `stateHistory` reports as
 * stored, and `Asset.state` must be the last streamed change of each machine.
 */
describe('machine state over a simulated shift', () => {
  let plant: LivePlant;
  let graph: LiveGraph;
  let client: Client;
  /** Every state change with a source time after this was made after both streams were live. */
  let liveFrom: number;
  let shiftEnd: Date;
  const sites: Site[] = [];

  /** Nothing stored, queued or streamed for `quietMs`: the shift's changes have all landed. */
  const settle = async (quietMs = 1000) => {
    const snapshot = async () => {
      const [row] = await plant.database.sql.query<{ n: number }>(
        'select count(*)::int as n from machine_state',
      );
      const streamedCount = sites.map((site) => site.subscription.results.length).join('/');
      return `${row!.n}|${plant.runtime.writer.queued}|${streamedCount}`;
    };
    let last = await snapshot();
    let unchangedSince = Date.now();
    await eventually(
      async () => {
        const current = await snapshot();
        if (current !== last) {
          last = current;
          unchangedSince = Date.now();
        }
        return Date.now() - unchangedSince >= quietMs;
      },
      15_000,
      'stored and streamed states to settle',
    );
  };

  const equipmentAt = (path: string): PlantEquipment | undefined =>
    [...plant.opcua.machines, ...plant.mqtt.machines].find(
      (machine) => machine.equipment.asset.path === path,
    )?.equipment;

  beforeAll(async () => {
    plant = await startLivePlant(testBrokerKind(), { speed: SPEED, tickMs: TICK_MS });
    graph = await startLiveGraph(plant);
    client = createClient({
      url: graph.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: graph.connectionParams,
    });
    for (const name of SITES) {
      const { assetByPath } = await query<{ assetByPath: { id: string } }>(graph, SITE_ID, {
        name: `Acme Manufacturing/${name}`,
      });
      const subscription = await live(client, STATE_CHANGES, { under: assetByPath.id });
      sites.push({ name, id: assetByPath.id, subscription, stored: [] });
    }
    // The simulators, the gateway and the test share one clock.
    liveFrom = Date.now();

    // A whole shift, and a busy one.
    await new Promise((resolve) => setTimeout(resolve, SHIFT_MS));
    await eventually(
      async () => sites.every(enoughOfAShift),
      20_000,
      `${CHANGES_PER_MACHINE} state changes on ${BUSY_MACHINES} machines of every site`,
    );
    // The end of the shift: no machine changes state any more. Closing the MQTT simulator sends
    // its Sparkplug NDEATH, so Lyon's Machining machines go OFFLINE, stored and streamed alike.
    await plant.opcua.close();
    await plant.mqtt.close();
    await settle();
    shiftEnd = new Date();
    for (const site of sites) {
      const { assets } = await query<{ assets: { edges: { node: StoredMachine }[] } }>(
        graph,
        STORED_STATES,
        { site: site.id, from: new Date(liveFrom).toISOString(), to: shiftEnd.toISOString() },
      );
      site.stored = assets.edges.map((edge) => edge.node);
    }
  });
  afterAll(async () => {
    // Each subscription waits for the stream count it started from: the last one closes first.
    for (const site of sites.toReversed()) await site.subscription.close();
    await client?.dispose();
    await graph?.close();
    await plant?.close();
  });

  it.each(SITES)('streams the changes of %s machines only, without errors', (name) => {
    const site = sites.find((candidate) => candidate.name === name)!;
    const errors = site.subscription.results.flatMap((result) => result.errors ?? []);
    expect(errors).toEqual([]);
    const simulated = [...plant.opcua.machines, ...plant.mqtt.machines]
      .filter((machine) => machine.equipment.site.name === name)
      .map((machine) => machine.equipment.asset.path);
    expect(site.stored.map((machine) => machine.path).sort()).toEqual(simulated.sort());
    const known = new Set(site.stored.map((machine) => machine.id));
    const strangers = streamed(site.subscription).filter((change) => !known.has(change.assetId));
    expect(strangers).toEqual([]);
  });

  it.each(SITES)('derives every %s state and reason from the PLC state table', (name) => {
    const site = sites.find((candidate) => candidate.name === name)!;
    const paths = new Map(site.stored.map((machine) => [machine.id, machine.path]));
    const outside = streamed(site.subscription).filter(({ assetId, state, reason }) => {
      const equipment = equipmentAt(paths.get(assetId)!);
      if (!equipment) return true;
      if (state === 'OFFLINE') return equipment.area.name !== 'Machining' || reason !== 'NDEATH';
      const codes = plcStateCodes(equipment.type);
      return !codes.some((code) => code.state === state && code.reason === reason);
    });
    expect(outside).toEqual([]);
    const states = new Set(streamed(site.subscription).map((change) => change.state));
    expect(states.size).toBeGreaterThanOrEqual(3);
  });

  it.each(SITES)('stores exactly the state changes streamed from %s', (name) => {
    const site = sites.find((candidate) => candidate.name === name)!;
    const changes = byAsset(site.subscription);
    // Per machine path, so a difference names the machine: what was streamed after both
    // streams were live, and the stored periods that began after that.
    const streamedByPath = Object.fromEntries(
      site.stored.map((machine) => [
        machine.path,
        (changes.get(machine.id) ?? []).filter(after(liveFrom)),
      ]),
    );
    const storedByPath = Object.fromEntries(
      site.stored.map((machine) => [
        machine.path,
        machine.stateHistory.filter(after(liveFrom)).map(asChange),
      ]),
    );
    expect(streamedByPath).toEqual(storedByPath);
    const busy = Object.values(storedByPath).filter((list) => list.length >= CHANGES_PER_MACHINE);
    expect(busy.length).toBeGreaterThanOrEqual(BUSY_MACHINES);
  });

  it.each(SITES)('reports %s state periods back to back, the last one Asset.state', (name) => {
    const site = sites.find((candidate) => candidate.name === name)!;
    // A UNS machine that kept its state since before the connectors subscribed has none stored.
    for (const machine of site.stored.filter((item) => item.state !== null)) {
      const periods = machine.stateHistory;
      expect(periods.length, machine.path).toBeGreaterThan(0);
      const untils = periods.map((period) => period.until);
      const nextSinces = [...periods.slice(1).map((period) => period.since), null];
      expect(untils, machine.path).toEqual(nextSinces);
      expect(asChange(periods.at(-1)!), machine.path).toEqual(machine.state);
    }
  });

  it.each(SITES)('answers Asset.state of %s machines with the last streamed change', (name) => {
    const site = sites.find((candidate) => candidate.name === name)!;
    const changes = byAsset(site.subscription);
    const streamedLast = Object.fromEntries(
      site.stored
        .filter((machine) => changes.has(machine.id))
        .map((machine) => [machine.path, changes.get(machine.id)!.at(-1)]),
    );
    const current = Object.fromEntries(
      site.stored
        .filter((machine) => changes.has(machine.id))
        .map((machine) => [machine.path, machine.state]),
    );
    expect(Object.keys(current).length).toBeGreaterThanOrEqual(BUSY_MACHINES);
    expect(current).toEqual(streamedLast);
  });
});

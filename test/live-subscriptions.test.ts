import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import { AttributeIds, OPCUAClient, TimestampsToReturn } from 'node-opcua';
import WebSocket from 'ws';
import {
  ALARMS,
  alarmCodesFor,
  MACHINE_SIGNALS,
  opcuaNodeId,
  plcStateCodes,
  unsTopic,
  type PlantEquipment,
} from '@plantgraph/demo-catalog';
import { acknowledged, hasTestBroker, TEST_BROKER_KINDS } from '@plantgraph/testing';
import {
  eventually,
  startLiveGraph,
  type LiveGraph,
  startLivePlant,
  type LivePlant,
} from './fixtures/live-plant.ts';

const STATE_CHANGES = `subscription ($under: ID!) {
  machineStateChanged(under: $under) {
    state since reason
    asset { id name path tags { name } activeOrder { number } activeAlarms { code severity } }
  }
}`;

interface StateChange {
  state: string;
  since: string;
  reason: string | null;
  asset: {
    id: string;
    name: string;
    path: string;
    tags: { name: string }[];
    activeOrder: { number: string } | null;
    activeAlarms: { code: string; severity: string }[];
  };
}

type Subscription = Awaited<ReturnType<typeof acknowledged>>;

const changes = (subscription: Subscription) =>
  subscription.results.flatMap((result) => {
    const change = result.data?.machineStateChanged as StateChange | undefined;
    return change ? [change] : [];
  });
const errors = (subscription: Subscription) =>
  subscription.results.flatMap((result) => result.errors ?? []);
const at = (path: string, time: Date | string) => `${path}@${new Date(time).getTime()}`;

/**
 * Live data through the whole platform: a machine's state changes on the simulator's real OPC UA
 * server or is published on a real broker (embedded aedes, and TEST_MQTT_URL's when set), the
 * connectors store it and put it on the bus, and a subscription through the gateway delivers it
 * with the fields of every subgraph filled from the same database.
 */
for (const broker of TEST_BROKER_KINDS) {
  describe.runIf(hasTestBroker(broker))(`live subscriptions over the ${broker} broker`, () => {
    let plant: LivePlant;
    let graph: LiveGraph;
    let client: Client;

    const assetId = async (kind: string, name: string) => {
      const [row] = await plant.database.sql.query<{ id: string }>(
        'select id from asset where kind = $1 and name = $2',
        [kind, name],
      );
      return row!.id;
    };
    /** The stored asset at `path` with its tag names; the simulator's own ids are not stored. */
    const storedAsset = async (path: string) => {
      const [row] = await plant.database.sql.query<{ id: string; tags: string[] }>(
        `select a.id, array(select t.name from tag t where t.asset_id = a.id order by t.name) as tags
           from asset a where a.path = $1`,
        [path],
      );
      return row!;
    };

    /** The change as the equipment's state code says, with every subgraph's fields. */
    const expectChange = async (change: StateChange, equipment: PlantEquipment, code: number) => {
      const { state, reason } = plcStateCodes(equipment.type).find((entry) => entry.code === code)!;
      expect(change).toMatchObject({ state, reason });
      const { name, path } = equipment.asset;
      const stored = await storedAsset(path);
      expect(change.asset).toMatchObject({ id: stored.id, name, path });
      const names = change.asset.tags.map((tag) => tag.name).sort();
      expect(names.length).toBeGreaterThan(0);
      expect(names).toEqual(stored.tags);
      // The live plant has no orders: the orders subgraph answers, with null.
      expect(change.asset).toHaveProperty('activeOrder', null);
      expect(Array.isArray(change.asset.activeAlarms)).toBe(true);
      for (const alarm of change.asset.activeAlarms) {
        expect(alarmCodesFor(equipment.type)).toContain(alarm.code);
        expect(alarm.severity).toBe(ALARMS[alarm.code]?.severity ?? 'MEDIUM');
      }
    };

    beforeAll(async () => {
      plant = await startLivePlant(broker);
      graph = await startLiveGraph(plant);
      client = createClient({
        url: graph.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: graph.connectionParams,
      });
    });
    afterAll(async () => {
      await client?.dispose();
      await graph?.close();
      await plant?.close();
    });

    it('delivers an OPC UA state change with fields from every subgraph', async () => {
      const machines = plant.opcua.machines;
      // Every State value the OPC UA server reports, by machine and source timestamp.
      const reported = new Map<string, number>();
      const opcua = OPCUAClient.create({ endpointMustExist: false });
      await opcua.connect(plant.opcua.endpointUrl);
      const session = await opcua.createSession();
      const subscription = await acknowledged(
        client,
        STATE_CHANGES,
        { under: await assetId('SITE', 'Dresden') },
        30_000,
      );
      try {
        const monitoring = await session.createSubscription2({
          requestedPublishingInterval: 100,
          requestedMaxKeepAliveCount: 10,
          requestedLifetimeCount: 100,
          publishingEnabled: true,
        });
        const group = await monitoring.monitorItems(
          machines.map((machine) => ({
            nodeId: opcuaNodeId(machine.equipment.asset.path, MACHINE_SIGNALS.state),
            attributeId: AttributeIds.Value,
          })),
          { samplingInterval: 0, queueSize: 100, discardOldest: true },
          TimestampsToReturn.Both,
        );
        group.on('changed', (_item, dataValue, index) => {
          const path = machines[index]!.equipment.asset.path;
          reported.set(at(path, dataValue.sourceTimestamp!), Number(dataValue.value.value));
        });

        // The simulator runs 600 times faster than real time: machines change state every few
        // seconds. Wait for a change seen both on the OPC UA server and through the gateway.
        const change = await eventually(
          async () =>
            changes(subscription).find((candidate) =>
              reported.has(at(candidate.asset.path, candidate.since)),
            ),
          30_000,
          'a state change reported over OPC UA and through the gateway',
        );
        const machine = machines.find((item) => item.equipment.asset.path === change.asset.path)!;
        expect(errors(subscription)).toEqual([]);
        await expectChange(
          change,
          machine.equipment,
          reported.get(at(change.asset.path, change.since))!,
        );
      } finally {
        subscription.stop();
        await session.close();
        await opcua.disconnect();
      }
    });

    it('delivers a state change published over MQTT with fields from every subgraph', async () => {
      const robot = plant.mqtt.machines.find((machine) =>
        machine.equipment.asset.path.endsWith('/Paint Shop/Line 1/Paint Robot 01'),
      )!;
      // Once acknowledged, whatever the connectors commit reaches the subscription.
      const subscription = await acknowledged(
        client,
        STATE_CHANGES,
        { under: await assetId('SITE', 'Lyon') },
        30_000,
      );
      try {
        // Lyon's machines change state every few seconds: the first one shows that the MQTT
        // connector, too, is subscribed to the machines' topics (a raw message sent before that
        // reaches nobody).
        await eventually(
          async () => changes(subscription).length > 0,
          30_000,
          'a first state change in Lyon',
        );
        // A state the robot is not in, so the connector records a change.
        const target = robot.state === 'MAINTENANCE' ? 'SETUP' : 'MAINTENANCE';
        const code = robot.stateCodes.find((entry) => entry.state === target)!.code;
        const time = new Date();
        await plant.mqtt.publishRaw(
          `${plant.unsPrefix}${unsTopic(robot.equipment.asset.path, MACHINE_SIGNALS.state)}`,
          JSON.stringify({ value: code, timestamp: time.getTime() }),
        );
        const change = await eventually(
          async () =>
            changes(subscription).find(
              (candidate) =>
                at(candidate.asset.path, candidate.since) === at(robot.equipment.asset.path, time),
            ),
          15_000,
          'the published state change through the gateway',
        );
        expect(errors(subscription)).toEqual([]);
        await expectChange(change, robot.equipment, code);
      } finally {
        subscription.stop();
      }
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeIds, OPCUAClient } from 'node-opcua';
import type { PlantEvent } from '@plantgraph/bus';
import { opcuaNodeId } from '@plantgraph/demo-catalog';
import { hasTestBroker, TEST_BROKER_KINDS } from '@plantgraph/testing';
import { eventually, startLivePlant, type LivePlant } from './fixtures/live-plant.ts';

/**
 * The connectors end to end: the plant simulator's real OPC UA server and MQTT publishers, a real
 * broker (embedded aedes, and TEST_MQTT_URL's when set), the connector runtime and the database.
 */
for (const broker of TEST_BROKER_KINDS) {
  describe.runIf(hasTestBroker(broker))(`live plant over the ${broker} broker`, () => {
    let plant: LivePlant;

    const tagId = async (assetPath: string, tag: string) => {
      const [row] = await plant.database.sql.query<{ id: string }>(
        `select t.id from tag t join asset a on a.id = t.asset_id where a.path = $1 and t.name = $2`,
        [assetPath, tag],
      );
      return row!.id;
    };
    const latestTime = async (id: string) => {
      const [row] = await plant.database.sql.query<{ time: Date | null }>(
        'select max(time) as time from datapoint where tag_id = $1',
        [id],
      );
      return row?.time ?? null;
    };
    const connectionState = async (id: string) => {
      const [row] = await plant.database.sql.query<{ state: string }>(
        'select state from connection_status where id = $1',
        [id],
      );
      return row?.state;
    };
    const deadLetters = (connection: string) =>
      plant.database.sql.query<{ address: string; reason: string }>(
        'select address, reason from dead_letter where connection = $1',
        [connection],
      );

    beforeAll(async () => {
      plant = await startLivePlant(broker);
    });
    afterAll(() => plant?.close());

    it('reports every connection CONNECTED and receiving', async () => {
      await eventually(
        async () => {
          const rows = await plant.database.sql.query<{
            id: string;
            state: string;
            messages_per_second: number;
          }>('select id, state, messages_per_second from connection_status order by id');
          return (
            rows.length === 3 &&
            rows.every((row) => row.state === 'CONNECTED' && row.messages_per_second > 0)
          );
        },
        20_000,
        'three connected connections',
      );
    });

    it('publishes stored changes on the event bus under the ISA-95 namespace', async () => {
      const received: PlantEvent[] = [];
      const unsubscribe = await plant.events.subscribe('dresden/#', (event) => {
        received.push(event);
      });
      try {
        await eventually(
          async () => received.some((event) => event.type === 'tagValue'),
          10_000,
          'a tag value event',
        );
      } finally {
        await unsubscribe();
      }
      const value = received.find((event) => event.type === 'tagValue')!;
      expect(value.assetPath).toMatch(/^Acme Manufacturing\/Dresden\//);
      const [row] = await plant.database.sql.query<{ value: number | null }>(
        'select value from datapoint where tag_id = $1 and time = $2',
        [value.type === 'tagValue' ? value.tagId : '', value.time],
      );
      expect(row?.value).toBe(value.type === 'tagValue' ? value.value : undefined);
    });

    it('stores an OPC UA value change with its source timestamp', async () => {
      const machine = plant.opcua.machines.find((candidate) => candidate.state === 'RUNNING')!;
      const path = machine.equipment.asset.path;
      const client = OPCUAClient.create({ endpointMustExist: false });
      await client.connect(plant.opcua.endpointUrl);
      const session = await client.createSession();
      try {
        const dataValue = await session.read({
          nodeId: opcuaNodeId(path, 'Motor Current'),
          attributeId: AttributeIds.Value,
        });
        const id = await tagId(path, 'Motor Current');
        const stored = await eventually(
          async () =>
            (
              await plant.database.sql.query<{ value: number }>(
                'select value from datapoint where tag_id = $1 and time = $2',
                [id, dataValue.sourceTimestamp],
              )
            )[0],
          10_000,
          'the datapoint at the source timestamp',
        );
        expect(stored.value).toBeCloseTo(dataValue.value.value as number, 6);
      } finally {
        await session.close();
        await client.disconnect();
      }
    });

    // The OPC UA path does not involve the broker: one restart test is enough.
    if (broker === 'embedded')
      it('reconnects and resubscribes after the OPC UA server restarts', async () => {
        const path = plant.opcua.machines[0]!.equipment.asset.path;
        const id = await tagId(path, 'Vibration');
        await plant.opcua.stop();
        await eventually(
          async () => (await connectionState('dresden-opcua')) !== 'CONNECTED',
          15_000,
          'the OPC UA connection to drop',
        );
        const restartedAt = new Date();
        await plant.opcua.start();
        await eventually(
          async () => (await latestTime(id))! > restartedAt,
          30_000,
          'data after the restart',
        );
        // Health is written every few seconds, so the reported state may trail the data.
        await eventually(
          async () => (await connectionState('dresden-opcua')) === 'CONNECTED',
          15_000,
          'the connection to be reported CONNECTED again',
        );
      });

    it('stores UNS JSON values, dead-letters malformed JSON and keeps going', async () => {
      const robot = plant.mqtt.machines.find((m) => m.equipment.area.name === 'Paint Shop')!;
      const path = robot.equipment.asset.path;
      const id = await tagId(path, 'Motor Current');
      await eventually(async () => latestTime(id), 15_000, 'UNS datapoints');

      const topic = `${plant.unsPrefix}acme/lyon/paint-shop/line-1/paint-robot-01/motor-current`;
      await plant.mqtt.publishRaw(topic, '{"value": oops');
      const letter = await eventually(
        async () => (await deadLetters('lyon-uns')).find((row) => row.address === topic),
        10_000,
        'the dead letter',
      );
      expect(letter.reason).toMatch(/invalid JSON/);

      const after = new Date();
      await eventually(async () => (await latestTime(id))! > after, 15_000, 'data after it');
    });

    it('discovers a new UNS topic under a known asset as a tag', async () => {
      const topic = `${plant.unsPrefix}acme/lyon/paint-shop/line-1/paint-robot-01/coolant-flow`;
      await plant.mqtt.publishRaw(topic, JSON.stringify({ value: 4.25, timestamp: Date.now() }));
      const row = await eventually(
        async () =>
          (
            await plant.database.sql.query<{ name: string; path: string; value: number }>(
              `select t.name, a.path, d.value from tag t join asset a on a.id = t.asset_id
               join datapoint d on d.tag_id = t.id where t.source = $1`,
              [topic],
            )
          )[0],
        10_000,
        'the discovered tag',
      );
      expect(row.path).toMatch(/\/Paint Shop\/Line 1\/Paint Robot 01$/);
      expect(row.value).toBe(4.25);
    });

    it('maps Sparkplug B births and data by alias, and dead-letters a malformed payload', async () => {
      const mill = plant.mqtt.machines.find((m) => m.equipment.area.name === 'Machining')!;
      const id = await tagId(mill.equipment.asset.path, 'Motor Current');
      await eventually(async () => latestTime(id), 15_000, 'Sparkplug datapoints');

      const topic = `spBv1.0/${plant.sparkplugGroup}/DDATA/Machining/Line1_Broken`;
      await plant.mqtt.publishRaw(topic, Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]));
      await eventually(
        async () => (await deadLetters('lyon-sparkplug')).some((row) => row.address === topic),
        10_000,
        'the Sparkplug dead letter',
      );
      const after = new Date();
      await eventually(async () => (await latestTime(id))! > after, 15_000, 'data after it');
    });

    it('marks the machines of a dead Sparkplug edge node OFFLINE', async () => {
      const machining = plant.mqtt.machines
        .filter((m) => m.equipment.area.name === 'Machining')
        .map((m) => m.equipment.asset.id);
      const assetIds = await plant.database.sql.query<{ id: string }>(
        `select a.id from asset a where a.path like '%/Machining/%' and a.kind = 'EQUIPMENT'`,
      );
      expect(assetIds).toHaveLength(machining.length);
      await plant.mqtt.close({ abrupt: true });
      await eventually(
        async () => {
          const rows = await plant.database.sql.query<{ n: number }>(
            `select count(distinct s.asset_id) as n from machine_state s
             join asset a on a.id = s.asset_id
            where s.state = 'OFFLINE' and s.reason = 'NDEATH' and a.path like '%/Machining/%'`,
          );
          return rows[0]!.n === machining.length;
        },
        15_000,
        'OFFLINE states for every Machining machine',
      );
    });
  });
}

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  loadPlantConfig,
  parsePlantConfig,
  plantConfigSchema,
} from '@plantgraph/integration-domain/config';
import {
  MACHINE_SIGNALS,
  opcuaNodeId,
  SITE_PROTOCOLS,
  sparkplugDevice,
  unsTopic,
} from './addresses.ts';
import { EQUIPMENT_TYPES, SITES, tagsFor } from './catalog.ts';
import { demoPlantConfig } from './demo-plant-config.ts';
import { buildPlant, type PlantEquipment } from './plant.ts';

const PRESS = 'Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01';
const WELDER = 'Acme Manufacturing/Dresden/Body Shop/Line 2/Welding Cell 02/Spot Welder 02';
const MILL = 'Acme Manufacturing/Lyon/Machining/Line 1/CNC Mill 01';
const PAINT_ROBOT = 'Acme Manufacturing/Lyon/Paint Shop/Line 1/Paint Robot 01';

const config = parsePlantConfig(
  demoPlantConfig({ opcuaEndpoint: 'opc.tcp://127.0.0.1:4840/plantgraph' }),
  'demo',
);
/** Written by `npm run example:plant` from demoPlantConfig. */
const EXAMPLE_FILE = fileURLToPath(new URL('../../../examples/demo-plant.yaml', import.meta.url));
const of = <T extends { asset: string }>(mappings: T[], asset: string) =>
  mappings.filter((mapping) => mapping.asset === asset);

describe('demoPlantConfig', () => {
  it('is a valid plant configuration with the three demo connections', () => {
    const input = demoPlantConfig({
      opcuaEndpoint: 'opc.tcp://sim:4840',
      mqttUrl: 'mqtt://bus:1883',
    });
    expect(plantConfigSchema.safeParse(input).success).toBe(true);
    expect(parsePlantConfig(input, 'demo').connections).toEqual([
      expect.objectContaining({
        kind: 'opcua',
        id: 'dresden-opcua',
        endpoint: 'opc.tcp://sim:4840',
      }),
      expect.objectContaining({
        kind: 'mqtt',
        id: 'lyon-sparkplug',
        url: 'mqtt://bus:1883',
        clientId: 'plantgraph-lyon-sparkplug',
        topics: ['spBv1.0/Lyon/#'],
        format: 'sparkplug',
        strict: false,
      }),
      expect.objectContaining({
        kind: 'mqtt',
        id: 'lyon-uns',
        url: 'mqtt://bus:1883',
        clientId: 'plantgraph-lyon-uns',
        topics: ['acme/lyon/#'],
        format: 'uns-json',
        strict: true,
        discovery: { prefix: 'acme/' },
      }),
    ]);
    expect(
      config.connections.filter((connection) => 'url' in connection && connection.url),
    ).toEqual([]);
  });

  it('maps every tag, state word, counter and alarm bit of every machine', () => {
    const machines = SITES.flatMap((site) =>
      site.areas.flatMap((area) => area.lines.flatMap((line) => line.equipment)),
    );
    const types = machines.map((machine) => EQUIPMENT_TYPES[machine.type]);
    const sum = (count: (type: (typeof types)[number]) => number) =>
      types.reduce((total, type) => total + count(type), 0);
    expect(config.mappings.tags).toHaveLength(sum((type) => tagsFor(type).length));
    expect(config.mappings.states).toHaveLength(machines.length);
    expect(config.mappings.counters).toHaveLength(2 * machines.length);
    expect(config.mappings.alarms).toHaveLength(
      sum((type) => new Set([...type.downReasons, ...type.warnings]).size),
    );
  });

  it('reads Dresden over OPC UA with the seed’s tag names, units and data types', () => {
    const tags = of(config.mappings.tags, PRESS);
    expect(tags[0]).toEqual({
      connection: 'dresden-opcua',
      source: { nodeId: 'ns=2;s=Dresden.BodyShop.Line1.Press01.MotorCurrent' },
      asset: PRESS,
      tag: 'Motor Current',
      dataType: 'FLOAT',
      unit: 'A',
      description: 'Main drive motor current',
      scale: 1,
      offset: 0,
      deadband: 0,
      origin: { template: 'press-opcua', instance: PRESS, path: 'instances[0]' },
    });
    expect(
      Object.fromEntries(tags.map((tag) => [tag.tag, [tag.dataType, tag.unit ?? null]])),
    ).toMatchObject({
      'Part Count': ['INTEGER', null],
      'Door Closed': ['BOOLEAN', null],
      'Program Name': ['STRING', null],
      'Hydraulic Pressure': ['FLOAT', 'bar'],
    });
    expect(of(config.mappings.tags, WELDER)[0]?.source).toEqual({
      nodeId: 'ns=2;s=Dresden.BodyShop.Line2.WeldingCell02.SpotWelder02.MotorCurrent',
    });
  });

  it('maps the PLC state word, the part counters and the alarm word', () => {
    const [state] = of(config.mappings.states, PRESS);
    expect(state?.source).toEqual({ nodeId: 'ns=2;s=Dresden.BodyShop.Line1.Press01.State' });
    expect(state?.codes).toMatchObject({
      '100': 'RUNNING',
      '201': { state: 'IDLE', reason: 'BLOCKED' },
      '400': { state: 'DOWN', reason: 'JAM' },
      '403': { state: 'DOWN', reason: 'E-STOP' },
      '500': { state: 'SETUP', reason: 'CHANGEOVER' },
    });
    expect(of(config.mappings.counters, PRESS)).toEqual([
      expect.objectContaining({
        source: { nodeId: 'ns=2;s=Dresden.BodyShop.Line1.Press01.GoodCount' },
        counter: 'GOOD',
        mode: 'total',
      }),
      expect.objectContaining({
        source: { nodeId: 'ns=2;s=Dresden.BodyShop.Line1.Press01.RejectCount' },
        counter: 'REJECT',
        mode: 'total',
      }),
    ]);
    const alarms = of(config.mappings.alarms, PRESS);
    expect(alarms.map(({ code, bit, severity }) => [bit, code, severity])).toEqual([
      [0, 'JAM', 'HIGH'],
      [1, 'HYDRAULIC_FAULT', 'HIGH'],
      [2, 'LIGHT_CURTAIN', 'MEDIUM'],
      [3, 'E-STOP', 'CRITICAL'],
      [4, 'OIL_TEMP_HIGH', 'MEDIUM'],
      [5, 'OIL_LEVEL_LOW', 'LOW'],
      [6, 'VIBRATION_HIGH', 'MEDIUM'],
    ]);
    expect(alarms[3]).toMatchObject({
      source: { nodeId: 'ns=2;s=Dresden.BodyShop.Line1.Press01.AlarmWord' },
      message: 'Emergency stop pressed',
    });
  });

  it('reads Lyon machining over Sparkplug B and the paint shop as UNS JSON', () => {
    const device = { group: 'Lyon', edgeNode: 'Machining', device: 'Line1_CNCMill01' };
    expect(of(config.mappings.tags, MILL)[0]).toMatchObject({
      connection: 'lyon-sparkplug',
      source: { sparkplug: { ...device, metric: 'Motor Current' } },
    });
    expect(of(config.mappings.counters, MILL)[0]?.source).toEqual({
      sparkplug: { ...device, metric: 'GoodCount' },
    });
    expect(of(config.mappings.alarms, MILL)[0]?.source).toEqual({
      sparkplug: { ...device, metric: 'AlarmWord' },
    });
    const topic = 'acme/lyon/paint-shop/line-1/paint-robot-01';
    expect(of(config.mappings.tags, PAINT_ROBOT)[0]).toMatchObject({
      connection: 'lyon-uns',
      source: { topic: `${topic}/motor-current` },
    });
    expect(
      [
        ...of(config.mappings.states, PAINT_ROBOT),
        ...of(config.mappings.counters, PAINT_ROBOT),
        of(config.mappings.alarms, PAINT_ROBOT)[0],
      ].map((mapping) => mapping?.source),
    ).toEqual(
      ['state', 'good-count', 'reject-count', 'alarm-word'].map((s) => ({
        topic: `${topic}/${s}`,
      })),
    );
  });
});

describe('demoPlantConfig templates', () => {
  const equipment = buildPlant({ sites: SITES }).equipment;
  const protocolOf = (item: PlantEquipment) => {
    const site = SITE_PROTOCOLS[item.site.name] ?? {};
    return site[item.area.name] ?? site['*'];
  };
  /** Where the simulator serves a signal of a machine (see connectors/simulator). */
  const served = (item: PlantEquipment, signal: string) => {
    const path = item.asset.path;
    switch (protocolOf(item)) {
      case 'opcua':
        return { nodeId: opcuaNodeId(path, signal) };
      case 'sparkplug':
        return { sparkplug: { ...sparkplugDevice(path), metric: signal } };
      case 'uns-json':
        return { topic: unsTopic(path, signal) };
      default:
        throw new Error(`${path} has no protocol`);
    }
  };

  it('has one template per machine type and protocol, and one instance per machine', () => {
    const pairs = new Set(equipment.map((item) => `${item.spec.type} ${protocolOf(item)}`));
    expect(config.templates).toHaveLength(pairs.size);
    expect(config.templates?.map((template) => template.id)).toContain('cnc-mill-sparkplug');
    expect(config.instances?.map((instance) => instance.asset)).toEqual(
      equipment.map((item) => item.asset.path),
    );
    expect(
      config.templates?.find((template) => template.id === 'paint-robot-uns')?.tags[0],
    ).toEqual(expect.objectContaining({ tag: 'Motor Current', address: '{prefix}/motor-current' }));
  });

  it('maps every catalog tag of every machine at the address the simulator serves', () => {
    const mapped = new Map(
      config.mappings.tags.map((mapping) => [`${mapping.asset}\u0000${mapping.tag}`, mapping]),
    );
    const expected = equipment.flatMap((item) =>
      item.tags.map((tag) => ({
        key: `${item.asset.path}\u0000${tag.spec.name}`,
        source: served(item, tag.spec.name),
        dataType: tag.spec.dataType,
      })),
    );
    expect(expected.map(({ key }) => mapped.get(key)?.source)).toEqual(
      expected.map(({ source }) => source),
    );
    expect(expected.map(({ key }) => mapped.get(key)?.dataType)).toEqual(
      expected.map(({ dataType }) => dataType),
    );
    expect(mapped.size).toBe(expected.length);
  });

  it('reads every machine’s state word, counters and alarm word where the simulator serves them', () => {
    const sources = (mappings: { asset: string; source: unknown }[], asset: string) => [
      ...new Set(of(mappings, asset).map((mapping) => JSON.stringify(mapping.source))),
    ];
    for (const item of equipment) {
      const asset = item.asset.path;
      const at = (signal: string) => JSON.stringify(served(item, signal));
      expect(sources(config.mappings.states, asset)).toEqual([at(MACHINE_SIGNALS.state)]);
      expect(sources(config.mappings.counters, asset)).toEqual([
        at(MACHINE_SIGNALS.goodCount),
        at(MACHINE_SIGNALS.rejectCount),
      ]);
      expect(sources(config.mappings.alarms, asset)).toEqual([at(MACHINE_SIGNALS.alarmWord)]);
    }
  });

  it('traces every mapping to its machine’s instance', () => {
    const all = Object.values(config.mappings).flat();
    expect(
      all.every(
        (mapping) =>
          mapping.origin?.instance === mapping.asset &&
          config.instances?.[Number(/\d+/.exec(mapping.origin.path)?.[0])]?.asset === mapping.asset,
      ),
    ).toBe(true);
  });
});

describe('examples/demo-plant.yaml', () => {
  // A stale file (the catalog changed, `npm run example:plant` not run) fails here.
  it('is the built-in demo configuration, with the simulator on this host by default', () => {
    expect(loadPlantConfig(EXAMPLE_FILE, {})).toStrictEqual(config);
  });

  it('takes the OPC UA endpoint from PLANTGRAPH_OPCUA_ENDPOINT, as docker compose sets it', () => {
    const endpoint = 'opc.tcp://simulator:4840/plantgraph';
    expect(loadPlantConfig(EXAMPLE_FILE, { PLANTGRAPH_OPCUA_ENDPOINT: endpoint })).toStrictEqual(
      parsePlantConfig(demoPlantConfig({ opcuaEndpoint: endpoint }), 'demo'),
    );
  });
});

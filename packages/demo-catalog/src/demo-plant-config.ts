import type { PlantConfigInput } from '@plantgraph/ingest';
import {
  alarmCodesFor,
  MACHINE_SIGNALS,
  opcuaNodeId,
  opcuaNodePath,
  plcStateCodes,
  SITE_PROTOCOLS,
  sparkplugDevice,
  unsTopic,
} from './addresses.ts';
import {
  ALARMS,
  ENTERPRISE,
  EQUIPMENT_TYPES,
  SITES,
  orderParametersFor,
  tagsFor,
  type EquipmentType,
} from './catalog.ts';

export interface DemoPlantConfigOptions {
  /** The simulator's OPC UA endpoint, e.g. `opc.tcp://127.0.0.1:4840/plantgraph`. */
  opcuaEndpoint: string;
  /** The broker; unset means the platform's bus. */
  mqttUrl?: string;
}

type Mappings = NonNullable<PlantConfigInput['mappings']>;
type SourceInput = NonNullable<Mappings['tags']>[number]['source'];
type Protocol = 'opcua' | 'sparkplug' | 'uns-json';

const CONNECTION_IDS: Record<Protocol, string> = {
  opcua: 'dresden-opcua',
  sparkplug: 'lyon-sparkplug',
  'uns-json': 'lyon-uns',
};

interface Machine {
  path: string;
  type: EquipmentType;
  protocol: Protocol;
}

/** Every machine with its asset path as buildPlant names it, cells included. */
function machines(): Machine[] {
  return SITES.flatMap((site) =>
    site.areas.flatMap((area) => {
      const protocols = SITE_PROTOCOLS[site.name] ?? {};
      const protocol = protocols[area.name] ?? protocols['*'];
      if (!protocol) return [];
      return area.lines.flatMap((line) =>
        line.equipment.map((spec) => ({
          path: [ENTERPRISE.name, site.name, area.name, line.name, spec.cell, spec.name]
            .filter((part) => part !== undefined)
            .join('/'),
          type: EQUIPMENT_TYPES[spec.type],
          protocol,
        })),
      );
    }),
  );
}

/** Where a signal of a machine lives; Sparkplug metric names are the signal names as they are. */
function source(machine: Machine, signal: string): SourceInput {
  switch (machine.protocol) {
    case 'opcua':
      return { nodeId: opcuaNodeId(machine.path, signal) };
    case 'sparkplug':
      return { sparkplug: { ...sparkplugDevice(machine.path), metric: signal } };
    case 'uns-json':
      return { topic: unsTopic(machine.path, signal) };
  }
}

function machineMappings(machine: Machine): Required<Mappings> {
  const connection = CONNECTION_IDS[machine.protocol];
  const asset = machine.path;
  const at = (signal: string) => ({ connection, asset, source: source(machine, signal) });
  const alarmWord = at(MACHINE_SIGNALS.alarmWord);
  return {
    tags: tagsFor(machine.type).map((spec) => ({
      ...at(spec.name),
      tag: spec.name,
      dataType: spec.dataType,
      ...(spec.unit === null ? {} : { unit: spec.unit }),
      description: spec.description,
    })),
    states: [
      {
        ...at(MACHINE_SIGNALS.state),
        codes: Object.fromEntries(
          plcStateCodes(machine.type).map(({ code, state, reason }) => [
            String(code),
            reason === null ? state : { state, reason },
          ]),
        ),
      },
    ],
    counters: [
      { ...at(MACHINE_SIGNALS.goodCount), counter: 'GOOD', mode: 'total' },
      { ...at(MACHINE_SIGNALS.rejectCount), counter: 'REJECT', mode: 'total' },
    ],
    alarms: alarmCodesFor(machine.type).map((code, bit) => ({
      ...alarmWord,
      code,
      severity: ALARMS[code]?.severity ?? 'MEDIUM',
      message: ALARMS[code]?.message ?? `Alarm ${code}`,
      bit,
    })),
  };
}

/**
 * A machine's order interface where the simulator serves one: the `Order` folder over OPC UA, the
 * `order` topic in UNS JSON. Sparkplug machines take no orders in the demo.
 */
function download(machine: Machine): NonNullable<PlantConfigInput['downloads']> {
  const common = {
    asset: machine.path,
    connection: CONNECTION_IDS[machine.protocol],
    parameters: orderParametersFor(machine.type),
  };
  switch (machine.protocol) {
    case 'opcua':
      return [{ ...common, nodeId: `ns=2;s=${opcuaNodePath(machine.path)}.Order` }];
    case 'uns-json':
      return [{ ...common, topic: unsTopic(machine.path, 'order') }];
    default:
      return [];
  }
}

/**
 * The connections and mappings of the whole demo plant, at the addresses the simulator serves:
 * Dresden over OPC UA, Lyon's machining over Sparkplug B and its paint shop as UNS JSON. Tags
 * keep the seed's names and data types, so resolving it reuses the seeded tags.
 */
export function demoPlantConfig(options: DemoPlantConfigOptions): PlantConfigInput {
  const url = options.mqttUrl === undefined ? {} : { url: options.mqttUrl };
  const all = machines().map(machineMappings);
  return {
    connections: [
      { kind: 'opcua', id: CONNECTION_IDS.opcua, endpoint: options.opcuaEndpoint },
      {
        kind: 'mqtt',
        id: CONNECTION_IDS.sparkplug,
        ...url,
        clientId: 'plantgraph-lyon-sparkplug',
        topics: ['spBv1.0/Lyon/#'],
        format: 'sparkplug',
      },
      {
        kind: 'mqtt',
        id: CONNECTION_IDS['uns-json'],
        ...url,
        clientId: 'plantgraph-lyon-uns',
        topics: ['acme/lyon/#'],
        format: 'uns-json',
        strict: true,
        discovery: { prefix: 'acme/' },
        // The machines' order interfaces (download, ack, progress) are not signals.
        exclude: ['acme/lyon/+/+/+/order/#', 'acme/lyon/+/+/+/+/order/#'],
      },
    ],
    downloads: machines().flatMap(download),
    mappings: {
      tags: all.flatMap((mappings) => mappings.tags),
      states: all.flatMap((mappings) => mappings.states),
      counters: all.flatMap((mappings) => mappings.counters),
      alarms: all.flatMap((mappings) => mappings.alarms),
    },
  };
}

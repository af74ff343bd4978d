import type { PlantConfigInput } from '@plantgraph/integration-domain/config';
import {
  alarmCodesFor,
  MACHINE_SIGNALS,
  opcuaNodePath,
  opcuaSignalNodeId,
  plcStateCodes,
  SITE_PROTOCOLS,
  sparkplugDevice,
  unsEquipmentTopic,
  unsSignalTopic,
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
  type EquipmentTypeName,
} from './catalog.ts';

export interface DemoPlantConfigOptions {
  /** The simulator's OPC UA endpoint, e.g. `opc.tcp://127.0.0.1:4840/plantgraph`. */
  opcuaEndpoint: string;
  /** The broker; unset means the platform's bus. */
  mqttUrl?: string;
}

type TemplateInput = NonNullable<PlantConfigInput['templates']>[number];
type InstanceInput = NonNullable<PlantConfigInput['instances']>[number];
type Protocol = 'opcua' | 'sparkplug' | 'uns-json';

const CONNECTION_IDS: Record<Protocol, string> = {
  opcua: 'dresden-opcua',
  sparkplug: 'lyon-sparkplug',
  'uns-json': 'lyon-uns',
};
/** How template ids and descriptions name a protocol: `press-opcua`, `cnc-mill-sparkplug`. */
const PROTOCOL_NAMES: Record<Protocol, { id: string; label: string }> = {
  opcua: { id: 'opcua', label: 'OPC UA' },
  sparkplug: { id: 'sparkplug', label: 'Sparkplug B' },
  'uns-json': { id: 'uns', label: 'UNS JSON' },
};
/** Where an instance's prefix goes in a template's addresses (the plant configuration's syntax). */
const PREFIX = '{prefix}';

interface Machine {
  path: string;
  typeName: EquipmentTypeName;
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
          typeName: spec.type,
          type: EQUIPMENT_TYPES[spec.type],
          protocol,
        })),
      );
    }),
  );
}

/** `cncMill` over Sparkplug B → `cnc-mill-sparkplug`. */
const templateId = (machine: Machine) =>
  `${machine.typeName.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}-${
    PROTOCOL_NAMES[machine.protocol].id
  }`;

/**
 * Where a signal lives relative to the machine: below its node path over OPC UA, below its
 * equipment topic in UNS JSON; Sparkplug metric names are the signal names as they are.
 */
function address(protocol: Protocol, signal: string): string {
  switch (protocol) {
    case 'opcua':
      return opcuaSignalNodeId(PREFIX, signal);
    case 'sparkplug':
      return signal;
    case 'uns-json':
      return unsSignalTopic(PREFIX, signal);
  }
}

/** The signals of a machine type read over one protocol: the simulator serves them all. */
function template(machine: Machine): TemplateInput {
  const { type, protocol } = machine;
  const at = (signal: string) => ({ address: address(protocol, signal) });
  return {
    id: templateId(machine),
    description: `${type.description}, over ${PROTOCOL_NAMES[protocol].label}`,
    tags: tagsFor(type).map((spec) => ({
      tag: spec.name,
      ...at(spec.name),
      dataType: spec.dataType,
      ...(spec.unit === null ? {} : { unit: spec.unit }),
      description: spec.description,
    })),
    states: [
      {
        ...at(MACHINE_SIGNALS.state),
        codes: Object.fromEntries(
          plcStateCodes(type).map(({ code, state, reason }) => [
            String(code),
            reason === null ? state : { state, reason },
          ]),
        ),
      },
    ],
    counters: [
      { counter: 'GOOD', ...at(MACHINE_SIGNALS.goodCount), mode: 'total' },
      { counter: 'REJECT', ...at(MACHINE_SIGNALS.rejectCount), mode: 'total' },
    ],
    alarms: alarmCodesFor(type).map((code, bit) => ({
      code,
      ...at(MACHINE_SIGNALS.alarmWord),
      severity: ALARMS[code]?.severity ?? 'MEDIUM',
      message: ALARMS[code]?.message ?? `Alarm ${code}`,
      bit,
    })),
  };
}

/** One template per machine type and protocol in use, in the order machines first use them. */
function templates(all: readonly Machine[]): TemplateInput[] {
  const ids = all.map(templateId);
  return all.filter((machine, index) => ids.indexOf(templateId(machine)) === index).map(template);
}

/** A machine as an instance of its template, with the prefix or device its addresses need. */
function instance(machine: Machine): InstanceInput {
  const common = {
    template: templateId(machine),
    asset: machine.path,
    connection: CONNECTION_IDS[machine.protocol],
  };
  switch (machine.protocol) {
    case 'opcua':
      return { ...common, prefix: opcuaNodePath(machine.path) };
    case 'sparkplug':
      return { ...common, device: sparkplugDevice(machine.path) };
    case 'uns-json':
      return { ...common, prefix: unsEquipmentTopic(machine.path) };
  }
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
 * Dresden over OPC UA, Lyon's machining over Sparkplug B and its paint shop as UNS JSON. One
 * template per machine type and protocol, one instance per machine. Tags keep the seed's names and
 * data types, so resolving it reuses the seeded tags.
 */
export function demoPlantConfig(options: DemoPlantConfigOptions): PlantConfigInput {
  const url = options.mqttUrl === undefined ? {} : { url: options.mqttUrl };
  const all = machines();
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
    downloads: all.flatMap(download),
    templates: templates(all),
    instances: all.map(instance),
  };
}

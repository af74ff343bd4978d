import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@plantgraph/config';
import { loadPlantConfig, parsePlantConfig } from './config-file.ts';

const PRESS = 'Acme/Dresden/Line 1/Press 01';
const PRESS_2 = 'Acme/Dresden/Line 2/Press 02';
const MILL = 'Acme/Lyon/Machining/Mill 01';

const CONNECTIONS = [
  { kind: 'opcua', id: 'plc', endpoint: 'opc.tcp://plc:4840' },
  { kind: 'mqtt', id: 'uns', clientId: 'u', topics: ['acme/#'], format: 'uns-json' },
  { kind: 'mqtt', id: 'umh', clientId: 'h', topics: ['umh/v1/#'], format: 'umh' },
  { kind: 'mqtt', id: 'spb', clientId: 's', topics: ['spBv1.0/Lyon/#'], format: 'sparkplug' },
];

/** A press: two tags, the state word, the good counter and one alarm bit. */
const PRESS_TEMPLATE = {
  id: 'press',
  tags: [
    { tag: 'Motor Current', address: '{prefix}.MotorCurrent', unit: 'A' },
    { tag: 'Stroke Count', address: '{prefix}.Strokes', dataType: 'INTEGER' },
  ],
  states: [{ address: '{prefix}.State', codes: { '100': 'RUNNING', '400': 'DOWN' } }],
  counters: [{ counter: 'GOOD', address: '{prefix}.GoodCount' }],
  alarms: [
    { code: 'JAM', address: '{prefix}.AlarmWord', severity: 'HIGH', message: 'Jam', bit: 0 },
  ],
};

const parse = (document: Record<string, unknown>) =>
  parsePlantConfig({ connections: CONNECTIONS, templates: [PRESS_TEMPLATE], ...document }, 'test');

function problemsOf(document: Record<string, unknown>): string[] {
  try {
    parse(document);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const opcuaPress = (extra: Record<string, unknown> = {}) => ({
  template: 'press',
  asset: PRESS,
  connection: 'plc',
  prefix: 'ns=2;s=Press01',
  ...extra,
});

describe('template instances', () => {
  it('expands an OPC UA instance into mappings with node ids, defaults and origin', () => {
    const config = parse({ instances: [opcuaPress()] });
    const origin = { template: 'press', instance: PRESS, path: 'instances[0]' };
    expect(config.mappings.tags).toEqual([
      {
        connection: 'plc',
        source: { nodeId: 'ns=2;s=Press01.MotorCurrent' },
        asset: PRESS,
        tag: 'Motor Current',
        dataType: 'FLOAT',
        unit: 'A',
        scale: 1,
        offset: 0,
        deadband: 0,
        origin,
      },
      expect.objectContaining({
        source: { nodeId: 'ns=2;s=Press01.Strokes' },
        tag: 'Stroke Count',
        dataType: 'INTEGER',
      }),
    ]);
    expect(config.mappings.states).toEqual([
      {
        connection: 'plc',
        source: { nodeId: 'ns=2;s=Press01.State' },
        asset: PRESS,
        codes: { '100': 'RUNNING', '400': 'DOWN' },
        origin,
      },
    ]);
    expect(config.mappings.counters).toEqual([
      expect.objectContaining({ counter: 'GOOD', mode: 'total', origin }),
    ]);
    expect(config.mappings.alarms).toEqual([
      expect.objectContaining({ code: 'JAM', severity: 'HIGH', bit: 0, origin }),
    ]);
    expect(config.instances).toEqual([opcuaPress()]);
    expect(config.sparkplugDiscovery).toEqual([]);
  });

  it('reads an address starting with "/" as an OPC UA browse path', () => {
    const config = parse({
      instances: [opcuaPress({ prefix: '/Objects/Press01' })],
      templates: [{ id: 'press', tags: [{ tag: 'Force', address: '{prefix}/Force' }] }],
    });
    expect(config.mappings.tags[0]?.source).toEqual({ browsePath: '/Objects/Press01/Force' });
  });

  it('puts the file’s own mappings first, then each instance’s in document order', () => {
    const plain = { connection: 'plc', source: { nodeId: 'ns=2;s=X' }, asset: MILL, tag: 'X' };
    const config = parse({
      mappings: { tags: [plain] },
      instances: [opcuaPress(), opcuaPress({ asset: PRESS_2, prefix: 'ns=2;s=Press02' })],
    });
    expect(config.mappings.tags.map((tag) => [tag.asset, tag.tag, tag.origin?.path])).toEqual([
      [MILL, 'X', undefined],
      [PRESS, 'Motor Current', 'instances[0]'],
      [PRESS, 'Stroke Count', 'instances[0]'],
      [PRESS_2, 'Motor Current', 'instances[1]'],
      [PRESS_2, 'Stroke Count', 'instances[1]'],
    ]);
  });

  it('makes UNS JSON and UMH topics, with the template’s jsonPath', () => {
    const template = {
      id: 'oven',
      tags: [
        { tag: 'Temperature', address: '{prefix}/temperature', jsonPath: '$.value' },
        { tag: 'Door', address: '{prefix}/door' },
      ],
    };
    const config = parse({
      templates: [template],
      instances: [
        { template: 'oven', asset: PRESS, connection: 'uns', prefix: 'acme/oven-01' },
        { template: 'oven', asset: PRESS_2, connection: 'umh', prefix: 'umh/v1/acme/oven-02' },
      ],
    });
    expect(config.mappings.tags.map((tag) => tag.source)).toEqual([
      { topic: 'acme/oven-01/temperature', jsonPath: '$.value' },
      { topic: 'acme/oven-01/door' },
      { topic: 'umh/v1/acme/oven-02/temperature', jsonPath: '$.value' },
      { topic: 'umh/v1/acme/oven-02/door' },
    ]);
  });

  it('reads Sparkplug metrics by name from the instance’s device or edge node', () => {
    const template = {
      id: 'mill',
      tags: [{ tag: 'Spindle Speed', address: 'Spindle/Speed' }],
      counters: [{ counter: 'GOOD', address: 'GoodCount' }],
    };
    const device = { group: 'Lyon', edgeNode: 'Machining', device: 'Mill01' };
    const config = parse({
      templates: [template],
      instances: [
        { template: 'mill', asset: MILL, connection: 'spb', device },
        {
          template: 'mill',
          asset: PRESS,
          connection: 'spb',
          device: { group: 'Lyon', edgeNode: 'Gateway' },
        },
      ],
    });
    expect(config.mappings.tags.map((tag) => tag.source)).toEqual([
      { sparkplug: { ...device, metric: 'Spindle/Speed' } },
      { sparkplug: { group: 'Lyon', edgeNode: 'Gateway', metric: 'Spindle/Speed' } },
    ]);
    expect(config.mappings.counters[0]?.source).toEqual({
      sparkplug: { ...device, metric: 'GoodCount' },
    });
  });

  it('applies overrides by signal name and leaves excluded signals out', () => {
    const config = parse({
      instances: [
        opcuaPress({
          overrides: {
            'Motor Current': { address: 'ns=3;i=1001', scale: 0.1, unit: 'mA', deadband: 0.5 },
            'Stroke Count': { exclude: true },
            state: { codes: { '1': 'RUNNING' } },
            GOOD: { mode: 'increment' },
            JAM: { severity: 'CRITICAL', message: 'Jam at infeed', bit: 4 },
          },
        }),
      ],
    });
    expect(config.mappings.tags).toEqual([
      expect.objectContaining({
        source: { nodeId: 'ns=3;i=1001' },
        tag: 'Motor Current',
        unit: 'mA',
        scale: 0.1,
        deadband: 0.5,
        offset: 0,
      }),
    ]);
    expect(config.mappings.states[0]?.codes).toEqual({ '1': 'RUNNING' });
    expect(config.mappings.counters[0]?.mode).toBe('increment');
    expect(config.mappings.alarms[0]).toMatchObject({
      source: { nodeId: 'ns=2;s=Press01.AlarmWord' },
      severity: 'CRITICAL',
      message: 'Jam at infeed',
      bit: 4,
    });
  });

  it('parses its own result again to the same configuration, not expanding twice', () => {
    const plain = { connection: 'plc', source: { nodeId: 'ns=2;s=X' }, asset: MILL, tag: 'X' };
    const config = parse({
      mappings: { tags: [plain] },
      instances: [opcuaPress(), opcuaPress({ asset: PRESS_2, prefix: 'ns=2;s=Press02' })],
    });
    const again = parsePlantConfig(JSON.parse(JSON.stringify(config)), 'again');
    expect(again).toEqual(config);
    expect(again.mappings.tags).toHaveLength(5);
  });

  it('lists Sparkplug devices with discover: true, with or without a template', () => {
    const device = { group: 'Lyon', edgeNode: 'Machining', device: 'Mill01' };
    const config = parse({
      templates: [{ id: 'mill', tags: [{ tag: 'Speed', address: 'Speed' }] }],
      instances: [
        { asset: MILL, connection: 'spb', device, discover: true },
        {
          template: 'mill',
          asset: PRESS,
          connection: 'spb',
          device: { group: 'Lyon', edgeNode: 'Gateway' },
          discover: true,
        },
      ],
    });
    expect(config.sparkplugDiscovery).toEqual([
      { connection: 'spb', asset: MILL, ...device, path: 'instances[0]' },
      { connection: 'spb', asset: PRESS, group: 'Lyon', edgeNode: 'Gateway', path: 'instances[1]' },
    ]);
    expect(config.mappings.tags.map((tag) => tag.asset)).toEqual([PRESS]);
  });
});

describe('template and instance errors', () => {
  it('names an unknown template, connection or override signal by its place', () => {
    expect(
      problemsOf({
        instances: [
          opcuaPress(),
          opcuaPress({ asset: PRESS_2, connection: 'nowhere' }),
          opcuaPress({ asset: MILL, overrides: { 'Motor Curent': { scale: 2 } } }),
          opcuaPress({ template: 'Press' }),
        ],
      }),
    ).toEqual([
      'test: instances[1].connection: unknown connection "nowhere"',
      'test: instances[2].overrides["Motor Curent"]: template "press" has no signal named "Motor Curent"',
      'test: instances[3].template: unknown template "Press"',
    ]);
  });

  it('rejects duplicate template ids, signal names and instances', () => {
    const copy = { ...PRESS_TEMPLATE, tags: [...PRESS_TEMPLATE.tags, PRESS_TEMPLATE.tags[0]] };
    expect(
      problemsOf({
        templates: [PRESS_TEMPLATE, copy],
        instances: [opcuaPress(), opcuaPress({ prefix: 'ns=2;s=Other' })],
      }),
    ).toEqual([
      'test: templates[1].id: duplicate template id "press"',
      'test: templates[1].tags[2].tag: duplicate signal name "Motor Current" (also tags[0]); overrides need unique names',
      'test: instances[1].asset: duplicate instance: instances[0] already makes this asset from template "press"',
    ]);
  });

  it('allows one state signal per template', () => {
    const twoStates = {
      ...PRESS_TEMPLATE,
      states: [...PRESS_TEMPLATE.states, { address: 'x', bits: { '0': 'DOWN' } }],
    };
    expect(problemsOf({ templates: [twoStates] })).toEqual([
      'test: templates[0].states[1]: a template has one state signal (the first is states[0])',
    ]);
  });

  it('needs device on a Sparkplug instance, and prefix where an address uses it', () => {
    expect(
      problemsOf({
        instances: [
          opcuaPress({ prefix: undefined }),
          { template: 'press', asset: MILL, connection: 'spb' },
          opcuaPress({ asset: PRESS_2, device: { group: 'G', edgeNode: 'E' } }),
          { asset: 'Acme/Other', connection: 'uns', discover: true },
        ],
      }),
    ).toEqual([
      'test: instances[0].prefix: the address of "Motor Current" uses {prefix}: the instance needs prefix',
      'test: instances[1].device: a sparkplug instance needs device',
      'test: instances[1].prefix: the address of "Motor Current" uses {prefix}: the instance needs prefix',
      'test: instances[2].device: device is for Sparkplug B connections; connection "plc" is OPC UA',
      'test: instances[3].discover: discovery is for Sparkplug B connections; connection "uns" carries UNS JSON',
    ]);
  });

  it('needs a template unless the instance discovers, and overrides need one too', () => {
    const device = { group: 'Lyon', edgeNode: 'Machining' };
    expect(
      problemsOf({
        instances: [{ asset: MILL, connection: 'spb', device }],
      }),
    ).toEqual(['test: instances[0].template: needs "template" unless "discover" is true']);
    expect(
      problemsOf({
        instances: [
          {
            asset: PRESS,
            connection: 'spb',
            device,
            discover: true,
            overrides: { X: { scale: 2 } },
          },
        ],
      }),
    ).toEqual(['test: instances[0].overrides: overrides need a template']);
  });

  it('rejects override fields the signal does not have, and an excluded signal with fields', () => {
    expect(
      problemsOf({
        instances: [
          opcuaPress({
            overrides: {
              'Motor Current': { severity: 'HIGH' },
              JAM: { scale: 2, exclude: true },
              GOOD: { unit: 'pcs' },
              state: { mode: 'total' },
            },
          }),
        ],
      }),
    ).toEqual([
      'test: instances[0].overrides["Motor Current"].severity: tag "Motor Current" has no severity',
      'test: instances[0].overrides.JAM.exclude: an excluded signal takes no other fields',
      'test: instances[0].overrides.GOOD.unit: counter "GOOD" has no unit',
      'test: instances[0].overrides.state.mode: state signal "state" has no mode',
    ]);
    expect(
      problemsOf({ instances: [opcuaPress({ overrides: { JAM: { colour: 'red' } } })] }),
    ).toEqual(['test: instances[0].overrides.JAM: Unrecognized key: "colour"']);
  });

  it('rejects a jsonPath where the connection carries no JSON', () => {
    expect(
      problemsOf({
        instances: [opcuaPress({ overrides: { 'Motor Current': { jsonPath: '$.value' } } })],
      }),
    ).toEqual([
      'test: instances[0].connection: connection "plc" is OPC UA: jsonPath ("Motor Current") is for JSON payloads on MQTT topics',
    ]);
  });

  it('carries index and field into OPC UA sources, and overrides change them', () => {
    const template = {
      id: 'spindle',
      tags: [
        { tag: 'Axis X', address: '{prefix}.Spindle', field: 'Axis.X' },
        { tag: 'Third Point', address: '{prefix}.Profile', index: 2 },
        { tag: 'Spindle', address: '{prefix}.Spindle', dataType: 'JSON' },
      ],
    };
    const config = parsePlantConfig(
      {
        connections: CONNECTIONS,
        templates: [template],
        instances: [
          {
            template: 'spindle',
            asset: PRESS,
            connection: 'plc',
            prefix: 'ns=2;s=Press01',
            overrides: { 'Third Point': { index: 3 } },
          },
        ],
      },
      'test',
    );
    expect(
      config.mappings.tags.map(({ tag, source, dataType }) => ({ tag, source, dataType })),
    ).toEqual([
      {
        tag: 'Axis X',
        source: { nodeId: 'ns=2;s=Press01.Spindle', field: 'Axis.X' },
        dataType: 'FLOAT',
      },
      {
        tag: 'Third Point',
        source: { nodeId: 'ns=2;s=Press01.Profile', index: 3 },
        dataType: 'FLOAT',
      },
      { tag: 'Spindle', source: { nodeId: 'ns=2;s=Press01.Spindle' }, dataType: 'JSON' },
    ]);
  });

  it('rejects index and field where the connection is not OPC UA', () => {
    expect(
      problemsOf({
        instances: [
          {
            template: 'press',
            asset: PRESS,
            connection: 'uns',
            prefix: 'acme/press',
            overrides: { 'Motor Current': { field: 'Axis.X' } },
          },
        ],
      }),
    ).toEqual([
      'test: instances[0].connection: connection "uns" carries UNS JSON: index and field ("Motor Current") are for OPC UA arrays and structures',
    ]);
  });

  it('reports problems of expanded mappings by the instance and the signal’s name', () => {
    const template = {
      id: 'oven',
      tags: [{ tag: 'Temperature', address: '{prefix}/#/temperature', dataType: 'INTEGER' }],
      states: [{ address: '{prefix}/state', codes: { running: 'RUNNING' } }],
    };
    const plain = {
      connection: 'uns',
      source: { topic: 'acme/t' },
      asset: PRESS,
      tag: 'Temperature',
    };
    expect(
      problemsOf({
        templates: [template],
        mappings: { tags: [plain] },
        instances: [{ template: 'oven', asset: PRESS, connection: 'uns', prefix: 'acme/oven' }],
      }),
    ).toEqual([
      'test: instances[0].tags["Temperature"].source.topic: "#" must be a whole level and the last one',
      'test: instances[0].states["state"].codes.running: state codes are integers',
      'test: instances[0].tags["Temperature"].dataType: "Temperature" is FLOAT in mappings.tags[0]',
    ]);
  });
});

describe('templates in a YAML file', () => {
  const directory = mkdtempSync(join(tmpdir(), 'plant-templates-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('reads templates and one-line instances, {prefix} quoted where YAML needs it', () => {
    const path = join(directory, 'plant.yaml');
    writeFileSync(
      path,
      `
connections:
  - { kind: mqtt, id: uns, clientId: u, topics: ['acme/#'], format: uns-json }
templates:
  - id: oven
    tags:
      - { tag: Temperature, address: '{prefix}/temperature', unit: °C }
instances:
  - { template: oven, asset: Acme/Oven 01, connection: uns, prefix: acme/oven-01 }
  - { template: oven, asset: Acme/Oven 02, connection: uns, prefix: acme/oven-02 }
`,
    );
    const config = loadPlantConfig(path, {});
    expect(config.mappings.tags.map((tag) => [tag.asset, tag.source, tag.unit])).toEqual([
      ['Acme/Oven 01', { topic: 'acme/oven-01/temperature' }, '°C'],
      ['Acme/Oven 02', { topic: 'acme/oven-02/temperature' }, '°C'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { PlantConfigInput } from '../plant-config.ts';
import { parsePlantConfig } from '../plant-config.ts';
import type { ResolvedPlantConfig } from './resolve.ts';
import { createSignalMapper, type PlantSignalMapper } from './signal-mapper.ts';
import { topicMatches } from '../plant-config.ts';
import type { Quality, SourceSample } from '../records.ts';

const PRESS = 'Acme/Dresden/Line 1/Press 01';
const ROBOT = 'Acme/Lyon/Paint Shop/Robot 01';
const T0 = new Date('2026-03-02T10:00:00Z');

const CONNECTIONS: PlantConfigInput['connections'] = [
  { kind: 'opcua', id: 'plc', endpoint: 'opc.tcp://plc:4840' },
  { kind: 'mqtt', id: 'uns', clientId: 'u', topics: ['acme/#'], format: 'uns-json' },
  { kind: 'mqtt', id: 'spb', clientId: 's', topics: ['spBv1.0/#'], format: 'sparkplug' },
];

/** A readable stand-in for the database id of an asset path or tag name. */
const idOf = (name: string) => `id of ${name}`;

/** Resolves without a database, with stand-in ids. */
function mapperFor(mappings: PlantConfigInput['mappings']): PlantSignalMapper {
  const config = parsePlantConfig({ connections: CONNECTIONS, mappings }, 'test');
  const withAsset = <M extends { asset: string }>(m: M) => ({ ...m, assetId: idOf(m.asset) });
  const resolved: ResolvedPlantConfig = {
    connections: config.connections,
    tags: config.mappings.tags.map((m) => ({ ...withAsset(m), tagId: idOf(m.tag) })),
    states: config.mappings.states.map(withAsset),
    counters: config.mappings.counters.map(withAsset),
    alarms: config.mappings.alarms.map(withAsset),
  };
  return createSignalMapper(resolved);
}

let second = 0;
function sample(
  connection: string,
  address: string,
  value: unknown,
  quality: Quality = 'GOOD',
): SourceSample {
  second += 1;
  return { connection, address, value, quality, time: new Date(T0.getTime() + second * 1000) };
}

/** Maps values in order and returns, per value, its records or its reason. */
function run(mapper: PlantSignalMapper, connection: string, address: string, values: unknown[]) {
  return values.map((value) => {
    const result = mapper.map(sample(connection, address, value));
    return result.ok ? result.records.map(({ time: _time, ...record }) => record) : result.reason;
  });
}

const node = (name: string) => ({ nodeId: `ns=2;s=Press01.${name}` });
const plcTag = (tag: string, extra: Record<string, unknown> = {}) => ({
  connection: 'plc',
  source: node(tag.replace(/\s/g, '')),
  asset: PRESS,
  tag,
  ...extra,
});
const datapoint = (
  tag: string,
  value: number | null,
  text: string | null = null,
  asset = PRESS,
) => ({
  kind: 'datapoint',
  tagId: idOf(tag),
  tag,
  assetId: idOf(asset),
  assetPath: asset,
  value,
  text,
  quality: 'GOOD',
});

describe('tag mappings', () => {
  it('scales, offsets and keeps the sample time and quality', () => {
    const mapper = mapperFor({ tags: [plcTag('Oil Temperature', { scale: 0.1, offset: -40 })] });
    const at = sample('plc', 'ns=2;s=Press01.OilTemperature', 655, 'UNCERTAIN');
    expect(mapper.map(at)).toEqual({
      ok: true,
      records: [
        {
          kind: 'datapoint',
          tagId: idOf('Oil Temperature'),
          tag: 'Oil Temperature',
          assetId: idOf(PRESS),
          assetPath: PRESS,
          time: at.time,
          value: 25.5,
          text: null,
          quality: 'UNCERTAIN',
        },
      ],
    });
  });

  it('stores a value only when it moved the deadband away from the last stored one', () => {
    const mapper = mapperFor({ tags: [plcTag('Force', { deadband: 0.5 })] });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Force', [10, 10.3, 10.6, 10.9, 11.1])).toEqual([
      [datapoint('Force', 10)],
      [],
      // 0.6 from the stored 10, though only 0.3 from the 10.3 seen last.
      [datapoint('Force', 10.6)],
      [],
      [datapoint('Force', 11.1)],
    ]);
    const bad = mapper.map(sample('plc', 'ns=2;s=Press01.Force', 11.2, 'BAD'));
    expect(bad.ok && bad.records.map((record) => record.kind)).toEqual(['datapoint']);
  });

  it('records a bad sample without a value as a null datapoint', () => {
    const mapper = mapperFor({ tags: [plcTag('Force')] });
    const result = mapper.map(sample('plc', 'ns=2;s=Press01.Force', null, 'BAD'));
    expect(result.ok && result.records).toEqual([
      expect.objectContaining({ value: null, text: null, quality: 'BAD' }),
    ]);
    expect(mapper.map(sample('plc', 'ns=2;s=Press01.Force', null))).toEqual({
      ok: false,
      reason: 'expected a number for FLOAT tag "Force", got null',
    });
  });

  it('checks values against the data type', () => {
    const mapper = mapperFor({
      tags: [
        plcTag('Force'),
        plcTag('Part Count', { dataType: 'INTEGER' }),
        plcTag('Door Closed', { dataType: 'BOOLEAN', scale: 10 }),
        plcTag('Program Name', { dataType: 'STRING' }),
      ],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Force', ['12.5', true, 12n])).toEqual([
      'expected a number for FLOAT tag "Force", got "12.5"',
      'expected a number for FLOAT tag "Force", got true',
      [datapoint('Force', 12)],
    ]);
    expect(run(mapper, 'plc', 'ns=2;s=Press01.PartCount', [2.5, 7])).toEqual([
      'expected an integer for INTEGER tag "Part Count", got 2.5',
      [datapoint('Part Count', 7)],
    ]);
    expect(run(mapper, 'plc', 'ns=2;s=Press01.DoorClosed', [true, 0, 2, 'yes'])).toEqual([
      [datapoint('Door Closed', 1)],
      [datapoint('Door Closed', 0)],
      'expected a boolean or 0/1 for BOOLEAN tag "Door Closed", got 2',
      'expected a boolean or 0/1 for BOOLEAN tag "Door Closed", got "yes"',
    ]);
    expect(run(mapper, 'plc', 'ns=2;s=Press01.ProgramName', ['P-4711', 4711, {}])).toEqual([
      [datapoint('Program Name', null, 'P-4711')],
      [datapoint('Program Name', null, '4711')],
      'expected text for STRING tag "Program Name", got an object',
    ]);
  });

  it('picks an array element or a structure field, scaled, and keeps whole values as JSON', () => {
    const spindle = { nodeId: 'ns=2;s=Press01.Spindle' };
    const mapper = mapperFor({
      tags: [
        { ...plcTag('Axis X'), source: { ...spindle, field: 'Axis.X' }, scale: 10 },
        { ...plcTag('Third Axis'), source: { ...spindle, field: 'Axes[2].Position' } },
        { ...plcTag('Second Point'), source: { ...spindle, field: 'Profile[1]' } },
        { ...plcTag('Spindle'), source: spindle, dataType: 'JSON' },
      ],
    });
    const value = {
      Axis: { X: 1.5 },
      Axes: [{ Position: 1 }, { Position: 2 }, { Position: 3 }],
      Profile: [7, 8],
    };
    const [records] = run(mapper, 'plc', spindle.nodeId, [value]);
    expect(records).toEqual([
      datapoint('Axis X', 15),
      datapoint('Third Axis', 3),
      datapoint('Second Point', 8),
      datapoint('Spindle', null, JSON.stringify(value)),
    ]);
    const axes = mapperFor({
      tags: [{ ...plcTag('Axis 2'), source: { ...node('Axes'), index: 2, field: 'Position' } }],
    });
    expect(run(axes, 'plc', 'ns=2;s=Press01.Axes', [value.Axes])).toEqual([
      [datapoint('Axis 2', 3)],
    ]);
  });

  it('dead-letters an element that is not there, naming the index or field', () => {
    const mapper = mapperFor({
      tags: [
        { ...plcTag('Beyond'), source: { nodeId: 'ns=2;s=Press01.Profile', index: 5 } },
        { ...plcTag('Z'), source: { nodeId: 'ns=2;s=Press01.Axis', field: 'Z' } },
      ],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Profile', [[1, 2]])).toEqual([
      'index 5: the value has 2 elements, no index 5',
    ]);
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Axis', [{ X: 1 }])).toEqual([
      'field "Z": the value has no field "Z" (fields: X)',
    ]);
  });

  it('dead-letters addresses no mapping covers', () => {
    const mapper = mapperFor({ tags: [plcTag('Force')] });
    expect(mapper.map(sample('plc', 'ns=2;s=Other', 1))).toEqual({
      ok: false,
      reason: 'no mapping for ns=2;s=Other',
    });
    expect(mapper.map(sample('uns', 'ns=2;s=Press01.Force', 1)).ok).toBe(false);
  });
});

describe('state mappings', () => {
  const state = (value: string, reason: string | null = null) => ({
    kind: 'state',
    assetId: idOf(PRESS),
    assetPath: PRESS,
    state: value,
    reason,
  });

  it('maps codes and emits only changes', () => {
    const mapper = mapperFor({
      states: [
        {
          connection: 'plc',
          source: node('State'),
          asset: PRESS,
          codes: { '100': 'RUNNING', '201': { state: 'IDLE', reason: 'BLOCKED' }, '202': 'IDLE' },
        },
      ],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.State', [100, 100, 201, 202, 999, 7.5, 100])).toEqual(
      [
        [state('RUNNING')],
        [],
        [state('IDLE', 'BLOCKED')],
        [state('IDLE')],
        'unknown state code 999',
        'expected an integer state code, got 7.5',
        [state('RUNNING')],
      ],
    );
  });

  it('emits the unchanged state again after a state noted from outside (OFFLINE)', () => {
    const mapper = mapperFor({
      states: [
        { connection: 'plc', source: node('State'), asset: PRESS, codes: { '100': 'RUNNING' } },
      ],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.State', [100])).toEqual([[state('RUNNING')]]);
    mapper.noteState(idOf(PRESS), 'OFFLINE', 'NDEATH');
    expect(run(mapper, 'plc', 'ns=2;s=Press01.State', [100, 100])).toEqual([
      [state('RUNNING')],
      [],
    ]);
  });

  it('maps bits, the lowest listed set bit winning, and falls back to otherwise', () => {
    const mapper = mapperFor({
      states: [
        {
          connection: 'plc',
          source: node('Status'),
          asset: PRESS,
          bits: { '0': 'RUNNING', '3': { state: 'DOWN', reason: 'JAM' }, '5': 'SETUP' },
          otherwise: { state: 'STOPPED', reason: 'UNKNOWN' },
        },
      ],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Status', [0b101000, 0b100001, 0b100100, 0])).toEqual([
      [state('DOWN', 'JAM')],
      [state('RUNNING')],
      [state('SETUP')],
      [state('STOPPED', 'UNKNOWN')],
    ]);
  });
});

describe('counter mappings', () => {
  const counted = (increment: number, counter = 'GOOD') => [
    { kind: 'counter', assetId: idOf(PRESS), assetPath: PRESS, counter, increment },
  ];
  const GOOD_COUNT = 'ns=2;s=Press01.GoodCount';
  /** A running total as the writer receives it: the increment is its to compute. */
  const reading = (value: number) => [
    {
      kind: 'counter',
      assetId: idOf(PRESS),
      assetPath: PRESS,
      counter: 'GOOD',
      increment: 0,
      total: { connection: 'plc', address: GOOD_COUNT, value },
    },
  ];

  it('passes a running total on as a reading of its source, once per value, drops and all', () => {
    const mapper = mapperFor({
      counters: [{ connection: 'plc', source: node('GoodCount'), asset: PRESS, counter: 'GOOD' }],
    });
    expect(run(mapper, 'plc', GOOD_COUNT, [1000, 1005, 1005, 3, 4, -1])).toEqual([
      reading(1000),
      reading(1005),
      [],
      reading(3),
      reading(4),
      'negative counter value -1',
    ]);
  });

  it('takes increments as they are and refuses what is not a count', () => {
    const mapper = mapperFor({
      counters: [
        {
          connection: 'plc',
          source: node('Rejects'),
          asset: PRESS,
          counter: 'REJECT',
          mode: 'increment',
        },
      ],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Rejects', [2, 0, Infinity, '3', 1])).toEqual([
      counted(2, 'REJECT'),
      [],
      'expected a finite counter value, got Infinity',
      'expected a finite counter value, got "3"',
      counted(1, 'REJECT'),
    ]);
  });
});

describe('alarm mappings', () => {
  const alarm = (code: string, active: boolean, severity = 'HIGH', message = `${code} text`) => ({
    kind: 'alarm',
    assetId: idOf(PRESS),
    assetPath: PRESS,
    code,
    active,
    severity,
    message,
  });
  const bitAlarm = (code: string, bit: number) => ({
    connection: 'plc',
    source: node('AlarmWord'),
    asset: PRESS,
    code,
    severity: 'HIGH' as const,
    message: `${code} text`,
    bit,
  });

  const reconciled = (code: string) => ({
    ...alarm(code, false),
    clearReason: 'not active on reconnect',
  });

  it('raises and clears on edges; a first inactive sample clears what may still be open', () => {
    const mapper = mapperFor({
      alarms: [{ ...bitAlarm('JAM', 0), bit: undefined, source: node('Jam') }],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Jam', [false, true, 1, 0, 0, 'on'])).toEqual([
      [reconciled('JAM')],
      [alarm('JAM', true)],
      [],
      [alarm('JAM', false)],
      [],
      'expected a boolean or number for alarm JAM, got "on"',
    ]);
  });

  it('fans an alarm word out to one alarm per bit, next to the word as a tag', () => {
    const mapper = mapperFor({
      tags: [plcTag('Alarm Word', { dataType: 'INTEGER' })],
      alarms: [bitAlarm('JAM', 0), bitAlarm('E-STOP', 1), bitAlarm('OIL_LOW', 2)],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.AlarmWord', [0b101, 0b110, 0b110])).toEqual([
      [
        datapoint('Alarm Word', 5),
        alarm('JAM', true),
        reconciled('E-STOP'),
        alarm('OIL_LOW', true),
      ],
      [datapoint('Alarm Word', 6), alarm('JAM', false), alarm('E-STOP', true)],
      [datapoint('Alarm Word', 6)],
    ]);
    expect(mapper.sourcesOf('plc')).toEqual([
      { source: node('AlarmWord'), address: 'ns=2;s=Press01.AlarmWord', readOnConnect: true },
    ]);
  });

  it('clears an inactive alarm read on connecting at the read time, whatever it remembered', () => {
    const mapper = mapperFor({
      tags: [plcTag('Alarm Word', { dataType: 'INTEGER' })],
      alarms: [bitAlarm('JAM', 0), bitAlarm('E-STOP', 1)],
    });
    const address = 'ns=2;s=Press01.AlarmWord';
    const readAt = new Date('2026-03-02T12:00:00Z');
    const read = (value: number) =>
      mapper.map({ ...sample('plc', address, value), readOnConnect: readAt });
    expect(run(mapper, 'plc', address, [0b11])).toEqual([
      [datapoint('Alarm Word', 3), alarm('JAM', true), alarm('E-STOP', true)],
    ]);
    // JAM went away unseen; E-STOP is still there and stays as it is. Only the alarms take a
    // value read on connecting: the tag gets it from the subscription.
    expect(read(0b10)).toEqual({ ok: true, records: [{ ...reconciled('JAM'), time: readAt }] });
    expect(run(mapper, 'plc', address, [0b10])).toEqual([[datapoint('Alarm Word', 2)]]);
    // Read again on the next reconnect, an alarm known inactive is cleared again: the writer
    // clears only what is still open, so this repairs an event left open by anything else.
    expect(read(0b10)).toEqual({ ok: true, records: [{ ...reconciled('JAM'), time: readAt }] });
  });

  it('forgets the alarms of an asset that went OFFLINE: its next value decides', () => {
    const mapper = mapperFor({
      alarms: [{ ...bitAlarm('JAM', 0), bit: undefined, source: node('Jam') }],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Jam', [true, false])).toEqual([
      [alarm('JAM', true)],
      [alarm('JAM', false)],
    ]);
    mapper.noteState(idOf(PRESS), 'OFFLINE', 'NDEATH');
    // A birth after the death: inactive clears with the reason, active raises again (the writer
    // does not open a second event while one is open).
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Jam', [false])).toEqual([[reconciled('JAM')]]);
    mapper.noteState(idOf(PRESS), 'OFFLINE', 'NDEATH');
    expect(run(mapper, 'plc', 'ns=2;s=Press01.Jam', [true, true])).toEqual([
      [alarm('JAM', true)],
      [],
    ]);
  });

  it('remembers nothing of a sample one of its mappings rejects', () => {
    const mapper = mapperFor({
      tags: [plcTag('Alarm Word', { dataType: 'BOOLEAN' })],
      alarms: [bitAlarm('JAM', 0)],
    });
    expect(run(mapper, 'plc', 'ns=2;s=Press01.AlarmWord', [3, 1])).toEqual([
      'expected a boolean or 0/1 for BOOLEAN tag "Alarm Word", got 3',
      // The raise comes now: the rejected sample left the alarm inactive.
      [datapoint('Alarm Word', 1), alarm('JAM', true)],
    ]);
  });
});

describe('UNS JSON', () => {
  const unsTag = (tag: string, topic: string, jsonPath?: string) => ({
    connection: 'uns',
    source: jsonPath === undefined ? { topic } : { topic, jsonPath },
    asset: ROBOT,
    tag,
  });
  const robotPoint = (tag: string, value: number) => datapoint(tag, value, null, ROBOT);

  it('matches topic filters as MQTT does', () => {
    const cases: [string, string, boolean][] = [
      ['acme/+/temp', 'acme/lyon/temp', true],
      ['acme/+/temp', 'acme/lyon/x/temp', false],
      ['acme/+/temp', 'acme//temp', true],
      ['acme/#', 'acme', true],
      ['acme/#', 'acme/a/b/c', true],
      ['acme/#', 'acmex/a', false],
      ['#', '$SYS/broker', false],
      ['+/broker', '$SYS/broker', false],
      ['$SYS/#', '$SYS/broker', true],
      ['acme/lyon', 'acme/lyon/x', false],
    ];
    expect(cases.map(([filter, topic]) => topicMatches(filter, topic))).toEqual(
      cases.map(([, , expected]) => expected),
    );
  });

  it('feeds every mapping whose filter matches the topic', () => {
    const mapper = mapperFor({
      tags: [unsTag('Temperature', 'acme/+/temperature'), unsTag('Any', 'acme/#')],
    });
    expect(mapper.covers('uns', 'acme/booth/temperature')).toBe(true);
    expect(mapper.covers('uns', 'other/temperature')).toBe(false);
    expect(run(mapper, 'uns', 'acme/booth/temperature', [{ value: 21.5, timestamp: 1 }])).toEqual([
      [robotPoint('Temperature', 21.5), robotPoint('Any', 21.5)],
    ]);
    expect(run(mapper, 'uns', 'acme/booth/humidity', [48])).toEqual([[robotPoint('Any', 48)]]);
    expect(mapper.sourcesOf('uns').map((source) => source.address)).toEqual([
      'acme/+/temperature',
      'acme/#',
    ]);
  });

  it('reads the value, a bare value, or what jsonPath points at', () => {
    const mapper = mapperFor({
      tags: [
        unsTag('Value', 'acme/a'),
        unsTag('Dotted', 'acme/b', 'reading.celsius'),
        unsTag('Indexed', 'acme/c', '$.axes[1].torque'),
      ],
    });
    expect(run(mapper, 'uns', 'acme/a', [{ value: 3, timestamp: 9 }, 4, { v: 1 }])).toEqual([
      [robotPoint('Value', 3)],
      [robotPoint('Value', 4)],
      'payload has no "value"',
    ]);
    expect(run(mapper, 'uns', 'acme/b', [{ reading: { celsius: 20.5 } }, { reading: 1 }])).toEqual([
      [robotPoint('Dotted', 20.5)],
      'no value at reading.celsius',
    ]);
    expect(
      run(mapper, 'uns', 'acme/c', [{ axes: [{ torque: 1 }, { torque: 42 }] }, { axes: [] }]),
    ).toEqual([[robotPoint('Indexed', 42)], 'no value at $.axes[1].torque']);
  });

  it('reads a running total per topic under a wildcard filter', () => {
    const mapper = mapperFor({
      counters: [
        {
          connection: 'uns',
          source: { topic: 'acme/+/good-count' },
          asset: ROBOT,
          counter: 'GOOD',
        },
      ],
    });
    const totals = (topic: string, values: number[]) =>
      run(mapper, 'uns', topic, values).map((records) =>
        Array.isArray(records)
          ? records.map((record) => 'total' in record && record.total)
          : records,
      );
    const total = (topic: string, value: number) => [{ connection: 'uns', address: topic, value }];
    expect(totals('acme/a/good-count', [10, 12, 12])).toEqual([
      total('acme/a/good-count', 10),
      total('acme/a/good-count', 12),
      [],
    ]);
    // Another topic under the filter is another source, with a total of its own.
    expect(totals('acme/b/good-count', [12, 501])).toEqual([
      total('acme/b/good-count', 12),
      total('acme/b/good-count', 501),
    ]);
  });
});

describe('addresses', () => {
  it('uses Sparkplug paths with and without a device, and browse paths as given', () => {
    const mapper = mapperFor({
      tags: [
        {
          connection: 'spb',
          source: {
            sparkplug: {
              group: 'Lyon',
              edgeNode: 'Machining',
              device: 'Line1_Mill',
              metric: 'Spindle Speed',
            },
          },
          asset: ROBOT,
          tag: 'Spindle Speed',
        },
        {
          connection: 'spb',
          source: { sparkplug: { group: 'Lyon', edgeNode: 'Machining', metric: 'Uptime' } },
          asset: ROBOT,
          tag: 'Uptime',
        },
        {
          connection: 'plc',
          source: { browsePath: '/Objects/Press/Force' },
          asset: PRESS,
          tag: 'Force',
        },
      ],
    });
    expect(mapper.sourcesOf('spb').map((source) => source.address)).toEqual([
      'Lyon/Machining/Line1_Mill/Spindle Speed',
      'Lyon/Machining/Uptime',
    ]);
    expect(run(mapper, 'spb', 'Lyon/Machining/Line1_Mill/Spindle Speed', [12000])).toEqual([
      [datapoint('Spindle Speed', 12000, null, ROBOT)],
    ]);
    expect(mapper.covers('spb', 'Lyon/Machining/Uptime')).toBe(true);
    expect(mapper.covers('spb', 'Lyon/Machining/Line1_Mill/Uptime')).toBe(false);
    expect(mapper.sourcesOf('plc')).toEqual([
      { source: { browsePath: '/Objects/Press/Force' }, address: '/Objects/Press/Force' },
    ]);
    expect(run(mapper, 'plc', '/Objects/Press/Force', [7])).toEqual([[datapoint('Force', 7)]]);
    expect(mapper.sourcesOf('nowhere')).toEqual([]);
  });

  it('adds tag mappings at run time, each once', () => {
    const mapper = mapperFor({});
    const mapping = {
      connection: 'uns',
      source: { topic: 'acme/new' },
      asset: ROBOT,
      tag: 'New',
      dataType: 'FLOAT' as const,
      scale: 1,
      offset: 0,
      deadband: 0,
      assetId: idOf(ROBOT),
      tagId: idOf('New'),
    };
    expect(mapper.covers('uns', 'acme/new')).toBe(false);
    mapper.addTagMapping(mapping);
    mapper.addTagMapping(mapping);
    expect(run(mapper, 'uns', 'acme/new', [{ value: 1 }])).toEqual([
      [datapoint('New', 1, null, ROBOT)],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '@plantgraph/config';
import { parsePlantConfig } from './config-file.ts';

const connections = [
  { kind: 'opcua', id: 'oven-plc', endpoint: 'opc.tcp://10.0.0.7:4840' },
  { kind: 'mqtt', id: 'uns', clientId: 'pg', topics: ['plant/#'], format: 'uns-json' },
];

function problemsOf(events: unknown[]): string[] {
  try {
    parsePlantConfig({ connections, mappings: { events } }, 'plant.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('events mappings (OPC UA Alarms & Conditions)', () => {
  it('subscribes the Server object unless a source is given', () => {
    const config = parsePlantConfig(
      {
        connections,
        mappings: {
          events: [
            { connection: 'oven-plc', asset: 'Acme/Dresden/Oven 01' },
            {
              connection: 'oven-plc',
              source: { browsePath: '/Objects/2:Ovens' },
              asset: 'Acme/Dresden/Ovens',
              assets: { Oven02: 'Acme/Dresden/Oven 02' },
            },
          ],
        },
      },
      'plant.yaml',
    );
    expect(config.mappings.events).toEqual([
      { connection: 'oven-plc', source: { nodeId: 'i=2253' }, asset: 'Acme/Dresden/Oven 01' },
      {
        connection: 'oven-plc',
        source: { browsePath: '/Objects/2:Ovens' },
        asset: 'Acme/Dresden/Ovens',
        assets: { Oven02: 'Acme/Dresden/Oven 02' },
      },
    ]);
  });

  it('names the path of every bad field', () => {
    expect(problemsOf([{ connection: 'oven-plc', asset: '', assets: { Oven02: '' } }])).toEqual([
      'plant.yaml: mappings.events[0].asset: Too small: expected string to have >=1 characters',
      'plant.yaml: mappings.events[0].assets.Oven02: Too small: expected string to have >=1 characters',
    ]);
    expect(
      problemsOf([
        { connection: 'nowhere', asset: 'Acme/Dresden/Oven 01' },
        { connection: 'uns', asset: 'Acme/Dresden/Oven 01' },
      ]),
    ).toEqual([
      'plant.yaml: mappings.events[1].connection: events are OPC UA Alarms & Conditions: "uns" is MQTT',
      'plant.yaml: mappings.events[0].connection: unknown connection "nowhere"',
    ]);
    expect(problemsOf([{ connection: 'oven-plc', source: { topic: 'x' }, asset: 'A' }])).toEqual([
      'plant.yaml: mappings.events[0].source: connection "oven-plc" is OPC UA: use nodeId or browsePath',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '@plantgraph/config';
import { durationMs } from './backfill.ts';
import { parsePlantConfig } from './config-file.ts';

const opcua = { kind: 'opcua', id: 'press-plc', endpoint: 'opc.tcp://10.0.0.5:4840' };

function problemsOf(backfill: unknown): string[] {
  try {
    parsePlantConfig({ connections: [{ ...opcua, backfill }] }, 'plant.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('OPC UA history backfill configuration', () => {
  it('is off without a backfill section', () => {
    const config = parsePlantConfig({ connections: [opcua] }, 'plant.yaml');
    expect(config.connections[0]).not.toHaveProperty('backfill');
  });

  it('reads the last hour, 50 nodes and 1000 values a call, when the section is empty', () => {
    const config = parsePlantConfig({ connections: [{ ...opcua, backfill: {} }] }, 'plant.yaml');
    expect(config.connections[0]).toMatchObject({
      backfill: { maxWindow: '1h', nodesPerRead: 50, valuesPerNode: 1000 },
    });
  });

  it('names the path of every bad field', () => {
    expect(problemsOf({ maxWindow: '1 hour', nodesPerRead: 0, window: '1h' })).toEqual([
      'plant.yaml: connections[0].backfill.maxWindow: must be a duration such as "15m", "1h" or "2d"',
      'plant.yaml: connections[0].backfill.nodesPerRead: Too small: expected number to be >=1',
      'plant.yaml: connections[0].backfill: Unrecognized key: "window"',
    ]);
    expect(problemsOf({ maxWindow: '8d' })).toEqual([
      'plant.yaml: connections[0].backfill.maxWindow: must be at most 7d',
    ]);
    expect(problemsOf({ maxWindow: '0s' })).toEqual([
      'plant.yaml: connections[0].backfill.maxWindow: must be longer than 0',
    ]);
  });

  it('reads durations in milliseconds', () => {
    expect(['250ms', '90s', '15m', '1h', '2d'].map(durationMs)).toEqual([
      250, 90_000, 900_000, 3_600_000, 172_800_000,
    ]);
    expect(durationMs('1 h')).toBeNaN();
  });
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MqttConnectionConfig } from '../plant-config.ts';
import { loadPlantConfig, parsePlantConfig } from '../plant-config.ts';
import { parseUmhTopic, umhSettings } from './umh-topic.ts';

const umhConnection = (extra: Record<string, unknown> = {}) => ({
  kind: 'mqtt',
  id: 'umh',
  clientId: 'plantgraph-umh',
  topics: ['umh/v1/#'],
  format: 'umh',
  ...extra,
});

describe('parseUmhTopic', () => {
  it('splits hierarchy, originID, schema and tag groups', () => {
    expect(
      parseUmhTopic(
        'umh/v1',
        'umh/v1/acme/cologne/assembly/line-1/cell-a/00-80-41/_historian/head/x',
      ),
    ).toEqual({
      hierarchy: ['acme', 'cologne', 'assembly', 'line-1', 'cell-a'],
      originId: '00-80-41',
      schema: '_historian',
      groups: ['head', 'x'],
    });
    expect(parseUmhTopic('umh/v1', 'umh/v1/acme/_historian')).toEqual({
      hierarchy: ['acme'],
      originId: undefined,
      schema: '_historian',
      groups: [],
    });
  });

  it('answers null outside the prefix and names what breaks the topic rules', () => {
    expect(parseUmhTopic('umh/v1', 'umh/v2/acme/_historian')).toBeNull();
    expect(parseUmhTopic('umh/v1', 'umh/v1/acme//_historian/x')).toEqual({
      reason: 'empty topic level in umh/v1/acme//_historian/x',
    });
  });
});

describe('umh connections in the configuration file', () => {
  it('defaults the prefix to umh/v1 and creates assets', () => {
    const config = parsePlantConfig({ connections: [umhConnection()] }, 'plant.yaml');
    expect(umhSettings(config.connections[0] as MqttConnectionConfig)).toEqual({
      prefix: 'umh/v1',
      assetRoot: undefined,
      createAssets: true,
    });
  });

  it('takes a prefix and an asset root', () => {
    const config = parsePlantConfig(
      {
        connections: [
          umhConnection({ umh: { prefix: 'site-b/umh/v1/', assetRoot: 'Acme/Cologne' } }),
        ],
      },
      'plant.yaml',
    );
    expect(umhSettings(config.connections[0] as MqttConnectionConfig)).toMatchObject({
      prefix: 'site-b/umh/v1',
      assetRoot: 'Acme/Cologne',
    });
  });

  it('refuses umh options on another format and unknown options', () => {
    expect(() =>
      parsePlantConfig(
        { connections: [umhConnection({ format: 'uns-json', umh: {} })] },
        'plant.yaml',
      ),
    ).toThrow('connections[0].umh: umh is for format umh only');
    expect(() =>
      parsePlantConfig({ connections: [umhConnection({ umh: { root: 'Acme' } })] }, 'plant.yaml'),
    ).toThrow(/connections\[0\]\.umh/);
  });
});

describe('examples/umh-connection.yaml', () => {
  it('is a valid configuration with a UMH connection', () => {
    const path = fileURLToPath(
      new URL('../../../../examples/umh-connection.yaml', import.meta.url),
    );
    const [connection] = loadPlantConfig(path, {}).connections;
    expect(connection).toMatchObject({ format: 'umh', url: 'mqtt://127.0.0.1:1883' });
    expect(umhSettings(connection as MqttConnectionConfig)).toEqual({
      prefix: 'umh/v1',
      assetRoot: 'Acme Manufacturing',
      createAssets: true,
    });
  });
});

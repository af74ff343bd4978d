import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '@plantgraph/config';
import { loadPlantConfig, parsePlantConfig } from './config-file.ts';

const directory = mkdtempSync(join(tmpdir(), 'plant-config-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const YAML_CONFIG = `
connections:
  - kind: opcua
    id: press-plc
    endpoint: opc.tcp://10.0.0.5:4840
mappings:
  tags:
    - connection: press-plc
      source: { nodeId: "ns=2;s=Press.Force" }
      asset: Acme/Dresden/Line 1/Press 01
      tag: Press Force
      unit: kN
      scale: 0.001
  states:
    - connection: press-plc
      source: { browsePath: /Objects/Press/State }
      asset: Acme/Dresden/Line 1/Press 01
      codes: { "100": RUNNING, "401": { state: DOWN, reason: JAM } }
`;

const tag = (index: number, extra: Record<string, unknown> = {}) => ({
  connection: 'press-plc',
  source: { nodeId: `ns=2;s=T${index}` },
  asset: 'Acme/Press',
  tag: `T${index}`,
  ...extra,
});

const opcua = { kind: 'opcua', id: 'press-plc', endpoint: 'opc.tcp://plc:4840' };
const uns = { kind: 'mqtt', id: 'uns', clientId: 'c', topics: ['acme/#'], format: 'uns-json' };

describe('loadPlantConfig', () => {
  it('reads YAML and applies the defaults', () => {
    const config = loadPlantConfig(file('plant.yaml', YAML_CONFIG));
    expect(config.connections[0]).toMatchObject({ securityMode: 'None', samplingIntervalMs: 1000 });
    expect(config.mappings.tags[0]).toMatchObject({ dataType: 'FLOAT', scale: 0.001, offset: 0 });
    expect(config.mappings.states[0]?.codes).toEqual({
      '100': 'RUNNING',
      '401': { state: 'DOWN', reason: 'JAM' },
    });
    expect(config.mappings.alarms).toEqual([]);
  });

  it('reads JSON by its extension', () => {
    const path = file('plant.json', JSON.stringify({ connections: [opcua] }));
    expect(loadPlantConfig(path).connections.map((connection) => connection.id)).toEqual([
      'press-plc',
    ]);
  });

  it('names the file and the path of every bad field', () => {
    const path = file(
      'broken.json',
      JSON.stringify({
        connections: [opcua, { ...opcua, id: 'x', endpoint: 'http://plc' }],
        mappings: {
          tags: [tag(0), tag(1), tag(2), { ...tag(3), asset: undefined }, tag(4, { deadband: -1 })],
        },
      }),
    );
    expect(problemsOf(() => loadPlantConfig(path))).toEqual([
      `${path}: connections[1].endpoint: must start with opc.tcp://`,
      `${path}: mappings.tags[3].asset: Invalid input: expected string, received undefined`,
      `${path}: mappings.tags[4].deadband: Too small: expected number to be >=0`,
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const path = file('syntax.yml', 'connections:\n  - kind: opcua\n    id: a\n    id: b\n');
    expect(problemsOf(() => loadPlantConfig(path))).toEqual([
      `${path}: line 4, column 5: Map keys must be unique`,
    ]);
  });

  it('refuses unknown extensions and missing files', () => {
    expect(problemsOf(() => loadPlantConfig(file('plant.toml', '')))).toEqual([
      `${join(directory, 'plant.toml')}: expected a .yaml, .yml or .json file`,
    ]);
    const missing = join(directory, 'missing.yaml');
    expect(problemsOf(() => loadPlantConfig(missing))[0]).toMatch(
      new RegExp(`^${missing}: cannot read the file: ENOENT`),
    );
  });
});

describe('loadPlantConfig: environment variables', () => {
  afterEach(() => vi.unstubAllEnvs());

  const plant = (endpoint: string, extra = '') => `
connections:
  - kind: opcua
    id: press-plc
    endpoint: ${JSON.stringify(endpoint)}
mappings:
  tags:
    - connection: press-plc
      source: { nodeId: "ns=2;s=Press.Force" }
      asset: Acme/Press
      tag: Force
${extra}`;
  const endpointOf = (text: string, env: Record<string, string | undefined>) => {
    const [connection] = loadPlantConfig(file('env.yaml', text), env).connections;
    return connection?.kind === 'opcua' ? connection.endpoint : undefined;
  };

  it('substitutes ${NAME} and ${NAME:-default}, several in one value', () => {
    const text = plant('opc.tcp://${PLC_HOST}:${PLC_PORT:-4840}/${PLC_PATH:-}');
    expect(endpointOf(text, { PLC_HOST: 'plc-7' })).toBe('opc.tcp://plc-7:4840/');
    expect(endpointOf(text, { PLC_HOST: 'plc-7', PLC_PORT: '4841', PLC_PATH: 'ua' })).toBe(
      'opc.tcp://plc-7:4841/ua',
    );
    // As in docker compose, ":-" also replaces a variable that is set but empty; "${NAME}" keeps it.
    expect(
      endpointOf(plant('opc.tcp://${PLC_HOST:-plc}${SUFFIX}'), { PLC_HOST: '', SUFFIX: '' }),
    ).toBe('opc.tcp://plc');
  });

  it('reads process.env unless told otherwise', () => {
    vi.stubEnv('PLANTGRAPH_TEST_PLC_HOST', 'from-process-env');
    const config = loadPlantConfig(
      file('env.yaml', plant('opc.tcp://${PLANTGRAPH_TEST_PLC_HOST}')),
    );
    expect(config.connections[0]).toMatchObject({ endpoint: 'opc.tcp://from-process-env' });
  });

  it('names the variable and the field of every unset reference without a default', () => {
    const path = file(
      'unset.yaml',
      plant('opc.tcp://${PLC_HOST}:${PLC_PORT:-4840}', '      description: ${TAG_NOTE}'),
    );
    expect(problemsOf(() => loadPlantConfig(path, { PLC_PORT: '1' }))).toEqual([
      `${path}: connections[0].endpoint: environment variable PLC_HOST is not set and "\${PLC_HOST}" has no default`,
      `${path}: mappings.tags[0].description: environment variable TAG_NOTE is not set and "\${TAG_NOTE}" has no default`,
    ]);
  });

  it('does not expand references inside substituted values', () => {
    const env = { OUTER: '${INNER}', INNER: 'plc' };
    expect(endpointOf(plant('opc.tcp://${OUTER}'), env)).toBe('opc.tcp://${INNER}');
  });

  it('leaves a bare $ alone, reads $${ as a literal ${ and rejects malformed references', () => {
    const literal = plant('opc.tcp://plc', '      description: costs $5, $HOME and $${NOTE}');
    expect(loadPlantConfig(file('literal.yaml', literal), {}).mappings.tags[0]?.description).toBe(
      'costs $5, $HOME and ${NOTE}',
    );
    const path = file('malformed.yaml', plant('opc.tcp://${PLC HOST}', '      unit: ${UNIT'));
    expect(problemsOf(() => loadPlantConfig(path, {}))).toEqual([
      `${path}: connections[0].endpoint: "\${PLC HOST}" is not a variable reference: use \${NAME} or \${NAME:-default}`,
      `${path}: mappings.tags[0].unit: "\${UNIT" has no closing "}"`,
    ]);
  });

  it('interpolates JSON files too, in string values only, never in keys', () => {
    const state = (codes: Record<string, string>) => ({
      connection: 'press-plc',
      source: { nodeId: 'ns=2;s=State' },
      asset: 'Acme/Press',
      codes,
    });
    const json = (codes: Record<string, string>) =>
      JSON.stringify({
        connections: [{ ...opcua, endpoint: 'opc.tcp://${PLC_HOST}' }],
        mappings: { states: [state(codes)] },
      });
    const env = { PLC_HOST: 'plc', CODE: '100', STATE: 'RUNNING' };
    const config = loadPlantConfig(file('env.json', json({ '100': '${STATE}' })), env);
    expect(config.connections[0]).toMatchObject({ endpoint: 'opc.tcp://plc' });
    expect(config.mappings.states[0]?.codes).toEqual({ '100': 'RUNNING' });
    // Were keys interpolated, "${CODE}" would become the valid code 100.
    const path = file('key.json', json({ '${CODE}': 'RUNNING' }));
    expect(problemsOf(() => loadPlantConfig(path, env))).toEqual([
      `${path}: mappings.states[0].codes["\${CODE}"]: state codes are integers`,
    ]);
  });
});

describe('parsePlantConfig', () => {
  it('reports the closest alternative of a source', () => {
    const config = {
      connections: [opcua, uns],
      mappings: {
        tags: [
          { ...tag(0), connection: 'uns', source: { topic: 'acme/x', jsonPath: 3 } },
          { ...tag(1), source: { sparkplug: { group: 'G', edgeNode: 'E' } } },
          { ...tag(2), source: {} },
        ],
      },
    };
    const problems = problemsOf(() => parsePlantConfig(config, 'inline'));
    expect(problems.slice(0, 2)).toEqual([
      'inline: mappings.tags[0].source.jsonPath: Invalid input: expected string, received number',
      'inline: mappings.tags[1].source.sparkplug.metric: Invalid input: expected string, received undefined',
    ]);
    expect(problems[2]).toMatch(
      /^inline: mappings\.tags\[2\]\.source: expected one of: nodeId: .* \| sparkplug: /,
    );
  });

  it('checks what the schema cannot: connections, topic filters, JSON paths, codes, data types', () => {
    const config = {
      connections: [opcua, { ...uns, topics: ['acme/#/x'] }],
      mappings: {
        tags: [
          { ...tag(0), source: { topic: 'acme/a' } },
          { ...tag(1), connection: 'uns', source: { topic: 'acme/a+/b', jsonPath: 'a..b' } },
          tag(2, { tag: 'T0', dataType: 'STRING' }),
          { ...tag(3), connection: 'nowhere' },
        ],
        states: [
          {
            connection: 'press-plc',
            source: { nodeId: 'ns=2;s=State' },
            asset: 'Acme/Press',
            codes: { RUN: 'RUNNING' },
          },
          { connection: 'press-plc', source: { nodeId: 'ns=2;s=State' }, asset: 'Acme/Press' },
        ],
      },
    };
    expect(problemsOf(() => parsePlantConfig(config, 'inline'))).toEqual([
      'inline: mappings.states[1]: needs "codes" or "bits"',
      'inline: mappings.tags[3].connection: unknown connection "nowhere"',
    ]);
    config.mappings.states.pop();
    config.mappings.tags.pop();
    expect(problemsOf(() => parsePlantConfig(config, 'inline'))).toEqual([
      'inline: connections[1].topics[0]: "#" must be a whole level and the last one',
      'inline: mappings.tags[0].source: connection "press-plc" is OPC UA: use nodeId or browsePath',
      'inline: mappings.tags[1].source.topic: "+" must be a whole level',
      'inline: mappings.tags[1].source.jsonPath: cannot read "..b" in "a..b"',
      'inline: mappings.states[0].codes.RUN: state codes are integers',
      'inline: mappings.tags[2].dataType: "T0" is FLOAT in mappings.tags[0]',
    ]);
  });

  it('takes an array index and a structure field on OPC UA sources, naming a bad one by its path', () => {
    const config = {
      connections: [opcua],
      mappings: {
        tags: [
          { ...tag(0), source: { nodeId: 'ns=2;s=Axes', index: 2, field: 'Axis.X' } },
          { ...tag(1), source: { browsePath: '/Objects/2:Press/2:Axes', field: 'Axes[1].X' } },
          tag(2, { dataType: 'JSON' }),
        ],
      },
    };
    const parsed = parsePlantConfig(config, 'inline');
    expect(parsed.mappings.tags.map((mapping) => mapping.source)).toEqual([
      { nodeId: 'ns=2;s=Axes', index: 2, field: 'Axis.X' },
      { browsePath: '/Objects/2:Press/2:Axes', field: 'Axes[1].X' },
      { nodeId: 'ns=2;s=T2' },
    ]);
    expect(parsed.mappings.tags[2]?.dataType).toBe('JSON');
    const bad = {
      connections: [opcua],
      mappings: {
        tags: [
          { ...tag(0), source: { nodeId: 'ns=2;s=Axes', index: -1 } },
          { ...tag(1), source: { nodeId: 'ns=2;s=Axes', field: 'Axis..X' } },
        ],
      },
    };
    expect(problemsOf(() => parsePlantConfig(bad, 'inline'))).toEqual([
      'inline: mappings.tags[0].source.index: Too small: expected number to be >=0',
      'inline: mappings.tags[1].source.field: must be a field path like "Axis.X" or "Axes[2].Position"',
    ]);
  });

  it('names unknown connections once everything else is valid', () => {
    const config = { connections: [opcua], mappings: { tags: [{ ...tag(0), connection: 'x' }] } };
    expect(problemsOf(() => parsePlantConfig(config, 'inline'))).toEqual([
      'inline: mappings.tags[0].connection: unknown connection "x"',
    ]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createLogger, loadConfig } from '@plantgraph/config';
import { parsePlantConfig } from '@plantgraph/ingest';
import {
  openTestDatabase,
  testBroker,
  type TestBroker,
  type TestDatabase,
} from '@plantgraph/testing';
import { startConnectors, type ConnectorRuntime } from './connector-runtime.ts';
import { openDownloadTargets } from './orders/download-targets.ts';
import { connectionSelection, selectPartition, spoolDirectoryName } from './partition.ts';

const suffix = Math.random().toString(36).slice(2, 8);
const plant = parsePlantConfig(
  {
    connections: ['north', 'south'].map((id) => ({
      kind: 'mqtt',
      id,
      clientId: `partition-test-${id}-${suffix}`,
      topics: [`partition-${suffix}/${id}/#`],
      format: 'uns-json',
    })),
    downloads: ['north', 'south'].map((id) => ({
      asset: `Acme/${id}`,
      connection: id,
      topic: `partition-${suffix}/${id}/orders`,
    })),
    mappings: {
      tags: ['north', 'south'].map((id) => ({
        connection: id,
        source: { topic: `partition-${suffix}/${id}/temp` },
        asset: `Acme/${id}`,
        tag: 'Temp',
      })),
    },
  },
  'test',
);

describe('PLANTGRAPH_CONNECTIONS', () => {
  const load = (value: string | undefined) =>
    loadConfig({ PLANTGRAPH_CONNECTIONS: connectionSelection() }, { PLANTGRAPH_CONNECTIONS: value })
      .PLANTGRAPH_CONNECTIONS;

  it('reads a comma separated list, ignoring blanks and repeats; unset or empty means all', () => {
    expect(load(' south, north,,south ')).toEqual(['south', 'north']);
    expect(load(undefined)).toBeUndefined();
    expect(load('')).toBeUndefined();
  });

  it('names the variable for an id that cannot be a connection id', () => {
    expect(() => load('north,so uth')).toThrow(
      /PLANTGRAPH_CONNECTIONS: "so uth" is not a connection id/,
    );
  });

  it('runs every connection when nothing is selected', () => {
    const partition = selectPartition(plant, undefined);
    expect(partition.config).toBe(plant);
    expect(spoolDirectoryName(partition)).toBe('spool');
  });

  it('keeps only the selected connections with their mappings and downloads', () => {
    const partition = selectPartition(plant, ['south']);
    expect(partition.config.connections.map((c) => c.id)).toEqual(['south']);
    expect(partition.config.mappings.tags.map((t) => t.connection)).toEqual(['south']);
    expect(partition.config.downloads.map((d) => d.asset)).toEqual(['Acme/south']);
    expect(spoolDirectoryName(selectPartition(plant, ['south', 'north']))).toBe(
      'spool-north+south',
    );
  });

  it('keeps the template instances and Sparkplug discovery of the selected connections', () => {
    const device = (id: string) => ({ group: 'Acme', edgeNode: id, device: 'Press' });
    const withDiscovery = parsePlantConfig(
      {
        connections: ['north', 'south'].map((id) => ({
          kind: 'mqtt',
          id,
          clientId: `partition-spb-${id}`,
          topics: [`spBv1.0/Acme/#`],
          format: 'sparkplug',
        })),
        templates: [{ id: 'press', tags: [{ tag: 'Force', address: 'Force' }] }],
        instances: ['north', 'south'].map((id) => ({
          template: 'press',
          asset: `Acme/${id}`,
          connection: id,
          device: device(id),
          discover: true,
        })),
      },
      'test',
    );
    const { config } = selectPartition(withDiscovery, ['south']);
    expect(config.sparkplugDiscovery).toEqual([
      { connection: 'south', asset: 'Acme/south', ...device('south'), path: 'instances[1]' },
    ]);
    expect(config.instances?.map((instance) => instance.connection)).toEqual(['south']);
    expect(config.mappings.tags.map((tag) => [tag.connection, tag.origin?.path])).toEqual([
      ['south', 'instances[1]'],
    ]);
  });

  it('rejects an unknown id with a ConfigError naming the variable, the id and the known ids', () => {
    const select = () => selectPartition(plant, ['north', 'west']);
    expect(select).toThrow(ConfigError);
    expect(select).toThrow(
      /PLANTGRAPH_CONNECTIONS: unknown connection "west"; PLANTGRAPH_CONFIG has "north", "south"/,
    );
  });
});

describe('two partitions on one database', () => {
  let database: TestDatabase;
  let broker: TestBroker;
  const runtimes: ConnectorRuntime[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-partition-'));
  const logger = createLogger('partition-test', 'warn');

  beforeAll(async () => {
    database = await openTestDatabase();
    broker = await testBroker();
    await database.sql.exec(`
      insert into asset (kind, name, path) values ('ENTERPRISE', 'Acme', 'Acme');
      insert into asset (parent_id, kind, name, path)
        select id, 'EQUIPMENT', n, 'Acme/' || n from asset, unnest(array['north', 'south']) n
         where path = 'Acme';`);
  });

  afterAll(async () => {
    for (const runtime of runtimes) await runtime.close();
    await broker?.close();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves each machine's orders from the process owning its connection only", async () => {
    for (const id of ['north', 'south']) {
      const partition = selectPartition(plant, [id]);
      runtimes.push(
        await startConnectors({
          sql: database.sql,
          config: partition.config,
          busUrl: broker.url,
          dataDir,
          spoolDir: join(dataDir, spoolDirectoryName(partition)),
          logger,
        }),
      );
    }
    // The second partition's provisioning left the first one's machine in place.
    const rows = await database.sql.query<{ connection: string }>(
      'select connection from download_target order by connection',
    );
    expect(rows.map((row) => row.connection)).toEqual(['north', 'south']);

    // Given the whole plant, a process still opens only the machines of connections it runs.
    const south = runtimes[1]!;
    const opened = await openDownloadTargets(database.sql, plant, south.connectors, broker.url);
    try {
      const [target, ...others] = opened.targets;
      expect(others).toEqual([]);
      const [asset] = await database.sql.query<{ id: string }>(
        `select id from asset where path = 'Acme/south'`,
      );
      expect(target?.assetId).toBe(asset?.id);
    } finally {
      await Promise.all(opened.targets.map((item) => item.channel.close()));
      await opened.close();
    }
  });
});

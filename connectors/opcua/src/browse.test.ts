import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientSession, OPCUAClient } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@plantgraph/config';
import { browseTree, formatBrowseTree, type BrowsedNode } from './browse.ts';
import { createOpcuaClient } from './client.ts';
import {
  fixtureNodes,
  freePort,
  startFixtureServer,
  type FixtureServer,
} from './fixture-server.ts';
import { routeOpcuaStackLogs } from './stack-logs.ts';

routeOpcuaStackLogs(createLogger('opcua-browse-test', process.env.LOG_LEVEL ?? 'silent'));

let fixture: FixtureServer;
let client: OPCUAClient;
let session: ClientSession;

beforeAll(async () => {
  fixture = await startFixtureServer({ port: await freePort(), speedNodeNumber: 4711 });
  client = createOpcuaClient({
    securityMode: 'None',
    securityPolicy: 'None',
    pkiFolder: join(tmpdir(), 'plantgraph-opcua-test', 'client-pki'),
    clientName: 'browse-test',
    maxRetry: 0,
  });
  await client.connect(fixture.endpoint);
  session = await client.createSession();
});

afterAll(async () => {
  await session.close();
  await client.disconnect();
  await fixture.stop();
});

const find = (node: BrowsedNode, browseName: string): BrowsedNode | undefined =>
  node.browseName === browseName
    ? node
    : node.children.map((child) => find(child, browseName)).find(Boolean);

describe('browseTree', () => {
  it('lists the variables below a node with data type and current value', async () => {
    const tree = await browseTree(session, 'ns=0;i=85', 3);
    const press = find(tree, '2:Press01')!;
    expect(find(tree, '2:Plant')?.nodeClass).toBe('Object');
    expect(press.children.map(({ browseName }) => browseName)).toEqual(
      expect.arrayContaining(['2:Temperature', '2:Cycles', '2:Profile', '2:Speed']),
    );
    expect(find(press, '2:Temperature')).toEqual({
      nodeId: fixtureNodes.temperature,
      browseName: '2:Temperature',
      nodeClass: 'Variable',
      dataType: 'Double',
      value: '20.5',
      children: [],
    });
    expect(find(press, '2:Recipe')).toMatchObject({ dataType: 'String', value: '"R-1"' });
    expect(find(press, '2:Profile')).toMatchObject({ value: '[1, 2, 3] (3 items)' });
    expect(find(press, '2:Speed')).toMatchObject({ nodeId: 'ns=2;i=4711', dataType: 'Double' });
  });

  it('shows array dimensions and the fields of structures', async () => {
    const tree = await browseTree(session, 'ns=2;s=Press01', 1);
    expect(find(tree, '2:Profile')).toMatchObject({
      dataType: 'Double',
      valueRank: 1,
      value: '[1, 2, 3] (3 items)',
    });
    expect(find(tree, '2:Grid')).toMatchObject({
      dataType: 'Double',
      valueRank: 2,
      arrayDimensions: [2, 3],
      value: '[[1,2,3], [4,5,6]] (2 items)',
    });
    const spindle = find(tree, '2:Spindle')!;
    expect(spindle.dataType).toBe('SpindleState');
    expect(spindle.valueRank).toBeUndefined();
    expect(spindle.value).toMatch(/^\{"Speed":1200,"Tool":"T-7","Axis":\{"X":1\.5,/);
    expect(spindle.fields).toEqual([
      { path: 'Speed', dataType: 'Double' },
      { path: 'Tool', dataType: 'String' },
      { path: 'Axis', dataType: 'AxisState' },
      { path: 'Axis.X', dataType: 'Double' },
      { path: 'Axis.Y', dataType: 'Double' },
      { path: 'Axis.Position', dataType: 'Double' },
      { path: 'Axes', dataType: 'AxisState[]' },
      { path: 'Axes[i].X', dataType: 'Double' },
      { path: 'Axes[i].Y', dataType: 'Double' },
      { path: 'Axes[i].Position', dataType: 'Double' },
    ]);
    const lines = formatBrowseTree(tree).split('\n');
    expect(lines).toContain(
      '├─ 2:Profile  ns=2;s=Press01.Profile  Variable  Double[] = [1, 2, 3] (3 items)',
    );
    expect(lines).toContain(
      '├─ 2:Grid  ns=2;s=Press01.Grid  Variable  Double[2][3] = [[1,2,3], [4,5,6]] (2 items)',
    );
    const spindleLine = lines.findIndex((line) => line.includes('2:Spindle'));
    expect(lines.slice(spindleLine + 1, spindleLine + 5).map((line) => line.trim())).toEqual([
      '· Speed: Double',
      '· Tool: String',
      '· Axis: AxisState',
      '· Axis.X: Double',
    ]);
  });

  it('stops at the depth limit', async () => {
    const tree = await browseTree(session, 'ns=2;s=Plant', 1);
    expect(tree.children.map(({ browseName }) => browseName)).toEqual(['2:Press01']);
    expect(tree.children[0]!.children).toEqual([]);
  });

  it('prints a tree an engineer can copy node ids from', async () => {
    const text = formatBrowseTree(await browseTree(session, 'ns=2;s=Plant', 2));
    const lines = text.split('\n');
    expect(lines[0]).toBe('2:Plant  ns=2;s=Plant  Object');
    expect(lines[1]).toBe('└─ 2:Press01  ns=2;s=Press01  Object');
    expect(lines).toContain(
      '   ├─ 2:Temperature  ns=2;s=Press01.Temperature  Variable  Double = 20.5',
    );
    expect(lines).toContain('   ├─ 2:Running  ns=2;s=Press01.Running  Variable  Boolean = true');
    expect(lines).toContain('   ├─ 2:Speed  ns=2;i=4711  Variable  Double = 0');
  });

  it('names a node that does not exist', async () => {
    await expect(browseTree(session, 'ns=2;s=Nowhere', 2)).rejects.toThrow(
      'Node ns=2;s=Nowhere not found: BadNodeIdUnknown',
    );
  });
});

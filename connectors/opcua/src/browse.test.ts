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
    expect(lines).toContain('   └─ 2:Speed  ns=2;i=4711  Variable  Double = 0');
  });

  it('names a node that does not exist', async () => {
    await expect(browseTree(session, 'ns=2;s=Nowhere', 2)).rejects.toThrow(
      'Node ns=2;s=Nowhere not found: BadNodeIdUnknown',
    );
  });
});

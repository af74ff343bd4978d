import { parseArgs } from 'node:util';
import { ObjectIds, resolveNodeId } from 'node-opcua';
import { browseTree, formatBrowseTree } from './browse.ts';
import { createOpcuaClient, defaultPkiFolder, userIdentityFor } from './client.ts';
import { routeOpcuaStackLogs } from './stack-logs.ts';

const usage = `Usage: npm run opcua:browse -- <endpoint> [nodeId] [--depth <levels>]

Prints the objects and variables below nodeId (default: the Objects folder, ns=0;i=85) with
their node ids, data types and current values. Connects anonymously, or as
PLANTGRAPH_OPCUA_USER with PLANTGRAPH_OPCUA_PASSWORD when set.

Example: npm run opcua:browse -- opc.tcp://127.0.0.1:4840/plantgraph "ns=2;s=Dresden" --depth 3`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { depth: { type: 'string', default: '4' }, help: { type: 'boolean', short: 'h' } },
});
const [endpoint, nodeId = `ns=0;i=${ObjectIds.ObjectsFolder}`] = positionals;
const depth = Number(values.depth);

if (values.help || !endpoint || !Number.isInteger(depth) || depth < 0) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

// The tree goes to stdout; everything the OPC UA stack has to say goes to stderr.
routeOpcuaStackLogs({
  warn: (_context, message) => console.error(message),
  error: (_context, message) => console.error(message),
});
const credentials = process.env.PLANTGRAPH_OPCUA_USER
  ? { usernameEnv: 'PLANTGRAPH_OPCUA_USER', passwordEnv: 'PLANTGRAPH_OPCUA_PASSWORD' }
  : {};
const client = createOpcuaClient({
  securityMode: 'None',
  securityPolicy: 'None',
  pkiFolder: defaultPkiFolder,
  clientName: 'opcua-browse',
  maxRetry: 0,
});

try {
  const identity = userIdentityFor({ id: 'opcua-browse', ...credentials });
  await client.connect(endpoint);
  const session = await client.createSession(identity);
  try {
    console.log(formatBrowseTree(await browseTree(session, resolveNodeId(nodeId), depth)));
  } finally {
    await session.close();
  }
} catch (error) {
  console.error(`opcua:browse failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await client.disconnect();
}

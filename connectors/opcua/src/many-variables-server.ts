import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  StatusCodes,
  VariableIds,
  Variant,
  type OPCUAServer,
  type ServerCapabilitiesOptions,
  type UAVariable,
} from 'node-opcua';
import { loopbackServer } from './loopback-server.ts';

/**
 * An OPC UA server with many Double variables `ns=2;s=V<n>` (n from 0), for the tests and the
 * benchmark of large connections and server limits. `hideLimits` makes it enforce its limits
 * without publishing them, as servers older than OPC UA 1.04 (or careless ones) do.
 */
export interface ManyVariablesServerOptions {
  port: number;
  variables: number;
  serverCapabilities?: ServerCapabilitiesOptions;
  hideLimits?: boolean;
}

export interface ManyVariablesServer {
  readonly server: OPCUAServer;
  readonly endpoint: string;
  /** Sets every variable to `value(n)` with source time `time`. */
  setAll(value: (index: number) => number, time: Date): void;
  stop(): Promise<void>;
}

export const MANY_VARIABLES_NAMESPACE_URI = 'urn:plantgraph:many-variables';

/** The node id of variable `index`; the namespace is registered after the server's own. */
export const manyVariableNodeId = (index: number) => `ns=2;s=V${index}`;

const publishedLimitNodes = [
  VariableIds.Server_ServerCapabilities_MaxSubscriptionsPerSession,
  VariableIds.Server_ServerCapabilities_MaxMonitoredItems,
  VariableIds.Server_ServerCapabilities_MaxMonitoredItemsPerSubscription,
  VariableIds.Server_ServerCapabilities_OperationLimits_MaxMonitoredItemsPerCall,
];

const pkiRoot = join(tmpdir(), 'plantgraph-opcua-many');

export async function startManyVariablesServer(
  options: ManyVariablesServerOptions,
): Promise<ManyVariablesServer> {
  const { server, endpoint } = await loopbackServer({
    port: options.port,
    resourcePath: 'many',
    pkiFolder: pkiRoot,
    serverCapabilities: options.serverCapabilities,
  });
  const variables = addVariables(server, options.variables);
  if (options.hideLimits) hideLimits(server);
  await server.start();
  return {
    server,
    endpoint,
    setAll(value, time) {
      variables.forEach((variable, index) => {
        const variant = { dataType: DataType.Double, value: value(index) };
        variable.setValueFromSource(variant, StatusCodes.Good, time);
      });
    },
    stop: () => server.shutdown(0),
  };
}

function addVariables(server: OPCUAServer, count: number): UAVariable[] {
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('address space not loaded');
  const namespace = addressSpace.registerNamespace(MANY_VARIABLES_NAMESPACE_URI);
  const folder = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: 'Many' });
  const start = new Date('2026-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, index) => {
    const variable = namespace.addVariable({
      componentOf: folder,
      browseName: `V${index}`,
      nodeId: `s=V${index}`,
      dataType: DataType.Double,
      minimumSamplingInterval: 0,
    });
    variable.setValueFromSource({ dataType: DataType.Double, value: 0 }, StatusCodes.Good, start);
    return variable;
  });
}

/** Publishes 0 ("no limit") for the limits the connector plans with; the server still enforces them. */
function hideLimits(server: OPCUAServer): void {
  const addressSpace = server.engine.addressSpace;
  for (const id of publishedLimitNodes) {
    const node = addressSpace?.findNode(`i=${id}`) as UAVariable | null | undefined;
    node?.bindVariable({ get: () => new Variant({ dataType: DataType.UInt32, value: 0 }) }, true);
  }
}

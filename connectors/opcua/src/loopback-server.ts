import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  OPCUACertificateManager,
  OPCUAServer,
  nodesets,
  type ServerCapabilitiesOptions,
} from 'node-opcua';

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface LoopbackServerOptions {
  /** The endpoint's path: `opc.tcp://127.0.0.1:<port>/<resourcePath>`. */
  resourcePath: string;
  /** Where the server keeps its certificates (server/ and user/ below it). */
  pkiFolder: string;
  /** A free port when left out. */
  port?: number;
  serverCapabilities?: ServerCapabilitiesOptions;
}

export interface LoopbackServer {
  server: OPCUAServer;
  endpoint: string;
}

/**
 * An OPC UA server on 127.0.0.1 for tests and benchmarks, with the standard nodeset and every
 * client certificate trusted. It is initialised, so its address space is there to add nodes to,
 * but not started: the caller starts it once its nodes are in place.
 */
export async function loopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const port = options.port ?? (await freePort());
  const trustEveryone = (folder: string) =>
    new OPCUACertificateManager({
      rootFolder: join(options.pkiFolder, folder),
      automaticallyAcceptUnknownCertificate: true,
    });
  const server = new OPCUAServer({
    port,
    hostname: '127.0.0.1',
    resourcePath: `/${options.resourcePath}`,
    nodeset_filename: [nodesets.standard],
    serverCapabilities: options.serverCapabilities,
    serverCertificateManager: trustEveryone('server-pki'),
    userCertificateManager: trustEveryone('user-pki'),
  });
  await server.initialize();
  return { server, endpoint: `opc.tcp://127.0.0.1:${port}/${options.resourcePath}` };
}

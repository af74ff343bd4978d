import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Raised when a port is taken; names the variable that moves the service elsewhere. */
export class PortInUseError extends Error {
  constructor(port: number, variable: string) {
    super(`Port ${port} is already in use. Set ${variable} to a free port.`);
    this.name = 'PortInUseError';
  }
}

/** Listens on `host:port`, turning EADDRINUSE into a PortInUseError. Port 0 picks a free port. */
export function listen(
  server: Server,
  port: number,
  host: string,
  portVariable: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, portVariable) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Idle keep-alive connections stay open this long. Clients (load balancers, the gateway's fetch)
 * close idle sockets on their own timer; when the server's runs out first, a client can send on
 * a socket the server is closing and gets ECONNRESET. Longer than common proxies' 60 s idle
 * timeout, so the client side always closes first.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** An HTTP server whose keep-alive timeout outlasts its clients' (see above). */
export function createServer(listener?: RequestListener): Server {
  const server = listener ? createHttpServer(listener) : createHttpServer();
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Must exceed keepAliveTimeout, or Node may time out a request arriving on a reused socket.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}

/** Closes a server and every open (keep-alive) connection. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

import { createServer, type Server } from 'node:http';
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

export { createServer };

/** Closes a server and every open (keep-alive) connection. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

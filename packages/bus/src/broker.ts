import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Aedes } from 'aedes';

/** Raised when the broker's port is taken; names the variable that moves it elsewhere. */
export class PortInUseError extends Error {
  constructor(port: number, variable: string) {
    super(`Port ${port} is already in use. Set ${variable} to a free port.`);
    this.name = 'PortInUseError';
  }
}

export interface EmbeddedBrokerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The environment variable that sets `port`, named in the error when the port is taken. */
  portVariable?: string;
}

export interface EmbeddedBroker {
  /** `mqtt://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** Disconnects every client and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts an in-process MQTT broker for development and the demo, so the platform runs without an
 * external Mosquitto. Sessions live in memory: a client that connects with `clean: false` keeps
 * its subscriptions and gets the QoS 1 messages published while it was away, until this process
 * ends.
 */
export async function startEmbeddedBroker({
  port = 1884,
  host = '127.0.0.1',
  portVariable = 'MQTT_PORT',
}: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  // Loaded on demand: production roles use an external broker and do not ship aedes.
  const { Aedes: AedesBroker } = await import('aedes');
  const broker = await AedesBroker.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  let bound: number;
  try {
    bound = await listen(server, port, host, portVariable);
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  }
  return {
    url: `mqtt://${host}:${bound}`,
    port: bound,
    close: () => closeBroker(broker, server, sockets),
  };
}

function listen(server: Server, port: number, host: string, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, variable) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeBroker(broker: Aedes, server: Server, sockets: Set<Socket>): Promise<void> {
  const stopped = new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  // A client that never finished its CONNECT is not known to aedes and would keep the server open.
  for (const socket of sockets) socket.destroy();
  await stopped;
}

/**
 * The live benchmark's subscribers: graphql-ws clients of the gateway in a thread of their own,
 * so that reading and timing events does not compete with the gateway's event loop. Each client
 * is one WebSocket carrying several subscriptions, each to one machine's state changes
 * (an MES screen per machine). Latency is the receive instant minus the event's `since`, which
 * the publisher set to its publish instant.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface SubscribersData {
  /** The gateway's WebSocket URL. */
  url: string;
  /** graphql-ws connection_init payload: the credentials, as headers are over HTTP. */
  connectionParams: Record<string, string>;
}

/** One WebSocket: the loopback address it connects from and a subscription per machine id. */
export interface Socket {
  localAddress: string;
  assetIds: string[];
}

export type SubscribersRequest =
  | { kind: 'open'; sockets: Socket[] }
  /** Machines with a subscription that has not received any event yet. */
  | { kind: 'unconfirmed' }
  /** Events received so far that are tagged `tag`. */
  | { kind: 'count'; tag: string }
  /** Latencies of the events tagged `tag`, forgotten once reported. */
  | { kind: 'take'; tag: string }
  | { kind: 'close' };

export interface SubscribersReply {
  /** Subscriptions not yet confirmed, or events received for a tag. */
  count?: number;
  assetIds?: string[];
  latencies?: Float64Array;
  /** Events without the asset's name: its entity fetch failed. */
  incomplete?: number;
  /** Results carrying errors, and the first error's message. */
  errors?: number;
  firstError?: string;
  /** Subscriptions the gateway completed or failed while the benchmark still held them. */
  ended?: number;
}

interface MachineStateChanged {
  machineStateChanged: { since: string; reason: string | null; asset: { name: string | null } };
}

const SUBSCRIPTION = `subscription MachineScreen($assetId: ID!) {
  machineStateChanged(assetIds: [$assetId]) { state since reason asset { id name } }
}`;

const { url, connectionParams } = workerData as SubscribersData;
const port = parentPort;
if (!port) throw new Error('live-subscribers.ts runs as a worker thread');

interface Tally {
  latencies: number[];
  incomplete: number;
}

const clients: Client[] = [];
const stops: (() => void)[] = [];
/** Subscription number to machine id, until the subscription's first event. */
const unconfirmed = new Map<number, string>();
const tallies = new Map<string, Tally>();
let errors = 0;
let firstError: string | undefined;
let ended = 0;
let closing = false;

function receive(subscription: number, data: MachineStateChanged | null | undefined): void {
  const now = Date.now();
  unconfirmed.delete(subscription);
  const change = data?.machineStateChanged;
  if (!change) return;
  const tag = change.reason ?? '';
  let tally = tallies.get(tag);
  if (!tally) tallies.set(tag, (tally = { latencies: [], incomplete: 0 }));
  tally.latencies.push(now - Date.parse(change.since));
  if (!change.asset.name) tally.incomplete++;
}

/** A subscription the gateway ended: counted, and no longer waited for. */
function end(subscription: number): void {
  if (closing) return;
  ended++;
  unconfirmed.delete(subscription);
}

function fail(error: unknown): void {
  errors++;
  firstError ??= describe(error);
}

function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map(describe).join('; ');
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object') {
    if ('message' in error) return String(error.message);
    // graphql-ws hands over the socket's CloseEvent when the connection fails.
    if ('code' in error) return `socket closed (${String(error.code)})`;
  }
  return String(error);
}

/**
 * A WebSocket class whose connections leave from `localAddress`: each socket a screen of its own
 * host, as the gateway's per-caller limits (by client address) would see real screens.
 */
function connectingFrom(localAddress: string) {
  return class extends WebSocket {
    constructor(
      address: string | URL,
      protocols?: string | string[],
      options?: WebSocket.ClientOptions,
    ) {
      super(address, protocols, { ...options, localAddress });
    }
  };
}

/**
 * Sockets connecting at once. Thousands opened in the same instant queue their handshakes behind
 * each other in the gateway, and graphql-ws closes a socket whose connection_init it has not read
 * within 3 s (4408): screens come up over seconds, not all in one.
 */
const CONNECTING_AT_ONCE = 250;

async function open(sockets: Socket[]): Promise<void> {
  closing = false;
  for (let offset = 0; offset < sockets.length; offset += CONNECTING_AT_ONCE) {
    await Promise.all(sockets.slice(offset, offset + CONNECTING_AT_ONCE).map(connect));
  }
}

/** Opens one socket and its subscriptions; settles once it is connected or has closed. */
function connect(socket: Socket): Promise<void> {
  return new Promise((settle) => {
    const client = createClient({
      url,
      connectionParams,
      webSocketImpl: connectingFrom(socket.localAddress),
      lazy: true,
      retryAttempts: 0,
      on: { connected: () => settle(), closed: () => settle() },
    });
    clients.push(client);
    for (const assetId of socket.assetIds) subscribe(client, assetId);
  });
}

function subscribe(client: Client, assetId: string): void {
  const subscription = stops.length;
  unconfirmed.set(subscription, assetId);
  stops.push(
    client.subscribe<MachineStateChanged>(
      { query: SUBSCRIPTION, variables: { assetId } },
      {
        next: (result) => {
          if (result.errors) fail(result.errors);
          receive(subscription, result.data);
        },
        error: (error) => {
          fail(error);
          end(subscription);
        },
        complete: () => end(subscription),
      },
    ),
  );
}

async function close(): Promise<void> {
  closing = true;
  for (const stop of stops.splice(0)) stop();
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  unconfirmed.clear();
  tallies.clear();
  errors = 0;
  firstError = undefined;
  ended = 0;
}

function take(tag: string): SubscribersReply {
  const tally = tallies.get(tag) ?? { latencies: [], incomplete: 0 };
  tallies.delete(tag);
  return {
    count: tally.latencies.length,
    latencies: Float64Array.from(tally.latencies),
    incomplete: tally.incomplete,
    errors,
    ended,
    ...(firstError ? { firstError } : {}),
  };
}

async function answer(request: SubscribersRequest): Promise<SubscribersReply> {
  switch (request.kind) {
    case 'open':
      await open(request.sockets);
      return {};
    case 'unconfirmed':
      return { count: unconfirmed.size, assetIds: [...new Set(unconfirmed.values())], ended };
    case 'count':
      return { count: tallies.get(request.tag)?.latencies.length ?? 0 };
    case 'take':
      return take(request.tag);
    case 'close':
      await close();
      return {};
  }
}

port.on('message', ({ id, request }: { id: number; request: SubscribersRequest }) => {
  void answer(request).then((reply) => {
    const transfer = reply.latencies ? [reply.latencies.buffer as ArrayBuffer] : [];
    port.postMessage({ id, reply }, transfer);
  });
});
port.postMessage('ready');

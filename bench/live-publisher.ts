/**
 * The live benchmark's publisher, in a thread of its own so that its pacing does not wait on the
 * gateway's event loop. Publishes machine state events on the event bus, each stamped with the
 * instant it was handed to the MQTT client: subscribers measure latency from that `time`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EventBus } from '@plantgraph/bus';

export interface PublisherData {
  mqttUrl: string;
  prefix: string;
}

export interface Machine {
  id: string;
  path: string;
}

export interface PublishRequest {
  machines: Machine[];
  /** Events in all, round-robin over `machines`. */
  count: number;
  perSecond: number;
  /** Carried in the event's `reason`, so subscribers can tell warm-up from measured events. */
  tag: string;
}

export interface PublishReport {
  /** Events published per machine, in the order of the request's `machines`. */
  perMachine: number[];
}

const STATES = ['RUNNING', 'IDLE', 'RUNNING', 'DOWN', 'RUNNING', 'SETUP'];
const { mqttUrl, prefix } = workerData as PublisherData;
const port = parentPort;
if (!port) throw new Error('live-publisher.ts runs as a worker thread');
const bus = await EventBus.connect({
  url: mqttUrl,
  clientId: `bench-publisher-${process.pid}`,
  prefix,
});
const published = new Map<string, number>();

async function publish(request: PublishRequest): Promise<PublishReport> {
  const perMachine = request.machines.map(() => 0);
  const started = Date.now();
  let sent = 0;
  while (sent < request.count) {
    // Everything due by now goes out at once: timers fire late under load, the rate must hold.
    const due = Math.min(
      request.count,
      Math.floor(((Date.now() - started) * request.perSecond) / 1000) + 1,
    );
    for (; sent < due; sent++) {
      const index = sent % request.machines.length;
      const machine = request.machines[index] as Machine;
      const nth = published.get(machine.id) ?? 0;
      published.set(machine.id, nth + 1);
      bus.publish({
        type: 'state',
        assetId: machine.id,
        assetPath: machine.path,
        time: new Date().toISOString(),
        state: STATES[nth % STATES.length] as string,
        reason: request.tag,
      });
      perMachine[index] = (perMachine[index] ?? 0) + 1;
    }
    const next = started + (sent * 1000) / request.perSecond;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  return { perMachine };
}

port.on('message', ({ id, request }: { id: number; request: PublishRequest | 'close' }) => {
  const work = request === 'close' ? bus.close().then(() => undefined) : publish(request);
  void work.then((reply) => port.postMessage({ id, reply }));
});
port.postMessage('ready');

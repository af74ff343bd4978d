/**
 * The OPC UA server of `npm run bench:opcua`, in a process of its own so that its CPU is not the
 * connectors'. Started by bench/opcua.ts with IPC: `VARIABLES` Double variables (node-opcua's
 * default server capabilities), every one of them changed once per `INTERVAL_MS`, with a distinct
 * value and the tick's time as source timestamp. Each tick's time goes to the parent, which counts
 * what it offered from them.
 */
import { startManyVariablesServer } from '../connectors/opcua/src/many-variables-server.ts';

const variables = Number(process.env.VARIABLES);
const intervalMs = Number(process.env.INTERVAL_MS);
const port = Number(process.env.PORT);
const send = (message: unknown) => process.send?.(message);

const server = await startManyVariablesServer({ port, variables });
send({ ready: server.endpoint });

let tick = 0;
let previous = 0;
let started = 0;
let timer: NodeJS.Timeout | undefined;

/**
 * Each tick on a whole interval and at least an interval after the previous one began: values
 * closer together than the sampling interval would be sampled once (OPC UA sampling, not the
 * connector's doing), and a slow tick delays the next instead of doubling up.
 */
function schedule() {
  const now = Date.now();
  const next = Math.max(now + intervalMs - (now % intervalMs), started + intervalMs);
  timer = setTimeout(() => {
    started = Date.now();
    tick += 1;
    // Rounded, and never the previous tick's time: a timer that fires a little early (or late)
    // must not give two ticks one time, which storage would keep once.
    const rounded = Math.round(started / intervalMs) * intervalMs;
    previous = Math.max(rounded, previous + intervalMs);
    const time = new Date(previous);
    server.setAll((index) => tick * 100_000 + index, time);
    send({ tick: time.getTime() });
    schedule();
  }, next - now);
}

process.on('message', (message: { start?: boolean; stop?: boolean }) => {
  if (message.start) schedule();
  if (message.stop) {
    clearTimeout(timer);
    void server.stop().then(() => process.exit(0));
  }
});

// Closed-loop HTTP load for the graph benchmark, in a thread of its own so the clients' work does
// not share the event loop that samples the processes under test. `connections` clients each
// send their next request when the last one is answered, over keep-alive sockets (one per
// client). A request is a sequence of steps; the requests of one step go out at once, the next
// step when all are answered (a query plan run by hand). Only answers with HTTP 200 and no
// `"errors"` count; anything else counts as failed, so no failure passes for a fast answer.
import { Buffer } from 'node:buffer';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ steps: { port: number, path: string, headers: Record<string, string>, body: string }[][], connections: number, seconds: number }} */
const { steps, connections, seconds } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: connections * 4 });

function send({ port, path, headers, body }) {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode === 200 && !text.includes('"errors"')) resolve();
          else
            reject(new Error(`${port}${path}: HTTP ${response.statusCode} ${text.slice(0, 300)}`));
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function once() {
  for (const step of steps) await Promise.all(step.map(send));
}

const latencies = [];
let failed = 0;
let firstError;
const started = performance.now();
const end = started + seconds * 1000;

async function client() {
  while (performance.now() < end) {
    const sent = performance.now();
    try {
      await once();
      latencies.push(performance.now() - sent);
    } catch (error) {
      failed += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  }
}

await Promise.all(Array.from({ length: connections }, client));
const elapsed = (performance.now() - started) / 1000;
agent.destroy();
parentPort?.postMessage({ latencies, failed, firstError, seconds: elapsed });

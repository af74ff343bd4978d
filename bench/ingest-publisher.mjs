// Publishes Sparkplug B data for the ingest benchmark from its own thread, so the publisher and
// the connector under test each get a core. Births first, then DDATA by alias, one device per
// message, every metric changing on every message. One worker is one edge node (`edgeNode`, devices
// D<firstDevice>…); with `recordTimestamps` it hands back every DDATA timestamp for latency.
import { Buffer } from 'node:buffer';
import { setTimeout } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';
import { encodePayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

const { url, group, devices, metricsPerDevice, messages, messagesPerSecond } = workerData;
const edgeNode = workerData.edgeNode ?? 'E';
const firstDevice = workerData.firstDevice ?? 0;
const client = await mqtt.connectAsync(url, {
  clientId: `bench-edge-${group}-${edgeNode}`,
  clean: true,
});
const topic = (type, device) =>
  `spBv1.0/${group}/${type}/${edgeNode}${device === undefined ? '' : `/${device}`}`;
const deviceName = (device) => `D${firstDevice + device}`;
let seq = 0;
const nextSeq = () => {
  const value = seq;
  seq = (seq + 1) % 256;
  return value;
};
const alias = (device, metric) => device * metricsPerDevice + metric + 1;

async function publishBirths() {
  seq = 0;
  births++;
  await client.publishAsync(
    topic('NBIRTH'),
    Buffer.from(
      encodePayload({
        timestamp: Date.now(),
        seq: nextSeq(),
        metrics: [{ name: 'bdSeq', type: 'Int64', value: 0 }],
      }),
    ),
  );
  for (let device = 0; device < devices; device++) {
    const metrics = Array.from({ length: metricsPerDevice }, (_, metric) => ({
      name: `T${metric}`,
      alias: alias(device, metric),
      type: 'Double',
      value: 0,
    }));
    await client.publishAsync(
      topic('DBIRTH', deviceName(device)),
      Buffer.from(encodePayload({ timestamp: Date.now(), seq: nextSeq(), metrics })),
    );
  }
}

// A host that saw a sequence gap asks for a rebirth (NCMD Node Control/Rebirth); answer it as an
// edge node must, or the host ignores our data from then on.
let rebirthRequested = false;
let rebirths = 0;
let births = 0;
await client.subscribeAsync(topic('NCMD'));
client.on('message', () => {
  rebirthRequested = true;
});
await publishBirths();
parentPort.postMessage({ kind: 'born' });
await new Promise((resolve) => parentPort.once('message', resolve));

/** QoS 1 messages a publisher thread may have on their way before it waits for an acknowledgement. */
const PUBLISH_WINDOW = 50;
const unacknowledged = [];
const started = Date.now();
const lastStamp = new Array(devices).fill(0);
const timestamps = workerData.recordTimestamps ? new Float64Array(messages) : undefined;
for (let message = 0; message < messages; message++) {
  if (rebirthRequested) {
    rebirthRequested = false;
    rebirths++;
    await publishBirths();
  }
  const device = message % devices;
  // Distinct, increasing timestamps per tag, since (tag, time) is the datapoint key; at the rates
  // measured here this stays within a millisecond of the publish time.
  const timestamp = Math.max(Date.now(), lastStamp[device] + 1);
  lastStamp[device] = timestamp;
  if (timestamps) timestamps[message] = timestamp;
  // Paced to the target rate: a broker drops QoS 1 messages beyond a subscriber's queue limit
  // (Mosquitto: max_queued_messages), so an unpaced burst measures the broker, not the pipeline.
  const wait = started + (message * 1000) / messagesPerSecond - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const metrics = Array.from({ length: metricsPerDevice }, (_, metric) => ({
    alias: alias(device, metric),
    type: 'Double',
    value: message + metric / 1000,
    timestamp,
  }));
  const payload = Buffer.from(encodePayload({ timestamp, seq: nextSeq(), metrics }));
  // QoS 1 keeps the publisher from outrunning the broker (Sparkplug data is usually QoS 0), with a
  // window of unacknowledged messages so one round trip per message does not cap the rate. MQTT.js
  // writes them in call order, so the sequence numbers stay in order on the wire.
  unacknowledged.push(client.publishAsync(topic('DDATA', deviceName(device)), payload, { qos: 1 }));
  if (unacknowledged.length >= PUBLISH_WINDOW) await unacknowledged.shift();
}
await Promise.all(unacknowledged);
parentPort.postMessage({
  kind: 'published',
  ms: Date.now() - started,
  rebirths,
  ddata: messages * metricsPerDevice,
  // Every DBIRTH carries each metric's value once, so births store rows too.
  datapoints: (messages + births * devices) * metricsPerDevice,
  timestamps,
});
await client.endAsync();

import type { Writable } from 'node:stream';

/**
 * Acknowledging a QoS 1 message by hand, later than mqtt.js would, with mqtt.js 5 (5.16).
 *
 * mqtt.js has no public per-message acknowledgement: for QoS 1 it sends the PUBACK inside the
 * `handleMessage` callback, and it reads the next packet only after that callback. Two details
 * of that path are relied on here, and `manual-puback.test.ts` fails when either changes:
 *
 * 1. build/lib/handlers/publish.js: when the `handleMessage` callback gets an error, no PUBACK
 *    is sent and the error goes on to the packet loop's `done`.
 * 2. build/lib/client.js (`work`/`nextTickWork`): that `done` ignores its argument and reads
 *    the next packet.
 *
 * So `deferPuback` lets mqtt.js go on reading without acknowledging, and `writePuback` sends the
 * PUBACK later on the socket the message came on. Nothing else of mqtt.js's internals is used.
 */

/** Given to mqtt.js's `handleMessage` callback: the connector acknowledges the message itself. */
export class PubackDeferred extends Error {
  constructor() {
    super('the PUBACK is sent once the message is stored');
    this.name = 'PubackDeferred';
  }
}

const deferred = new PubackDeferred();

/** Ends `handleMessage` for a QoS 1 message without a PUBACK; mqtt.js reads the next packet. */
export function deferPuback(done: (error?: Error) => void): void {
  done(deferred);
}

/** The part of mqtt.js's `client.stream` a PUBACK is written to. */
export type PacketStream = Pick<Writable, 'write' | 'destroyed' | 'writable'>;

/**
 * Writes the PUBACK for `messageId`: fixed header 0x40, remaining length 2, the packet identifier
 * (MQTT 3.1.1 §3.4; MQTT 5 §3.4.2.1 lets a success leave out the reason code and properties). One
 * buffer in one synchronous write, so it cannot land inside a packet mqtt.js is writing. False
 * when the socket is gone: the broker redelivers the message to the next session.
 */
export function writePuback(stream: PacketStream, messageId: number): boolean {
  if (stream.destroyed || !stream.writable) return false;
  stream.write(Buffer.from([0x40, 0x02, (messageId >> 8) & 0xff, messageId & 0xff]));
  return true;
}

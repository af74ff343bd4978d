import { SPARKPLUG_NAMESPACE } from './sparkplug.ts';

/** The JSON payload of a Sparkplug 3.0 STATE message. */
export interface HostState {
  online: boolean;
  /** Epoch milliseconds. */
  timestamp: number;
}

/** The MQTT Will a primary host registers in its CONNECT packet. */
export interface HostWill {
  topic: string;
  payload: Buffer;
  qos: 1;
  retain: true;
}

/** `spBv1.0/STATE/<hostId>`: where the host with `hostId` publishes its state. */
export function hostStateTopic(hostId: string): string {
  return `${SPARKPLUG_NAMESPACE}/STATE/${hostId}`;
}

/** Reads a STATE payload; undefined when it is not the JSON Sparkplug 3.0 defines. */
export function parseHostState(payload: Buffer): HostState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { online, timestamp } = parsed as Record<string, unknown>;
  if (typeof online !== 'boolean' || typeof timestamp !== 'number') return undefined;
  return { online, timestamp };
}

function encode(state: HostState): Buffer {
  return Buffer.from(JSON.stringify(state), 'utf8');
}

/**
 * The STATE certificates of a Sparkplug 3.0 primary host application, one MQTT connection at a
 * time (Sparkplug 3.0, chapter 4 "Sparkplug Host Application" and chapter 5 "Host Application
 * Session Establishment"). Edge nodes configured with this host id publish their births only
 * while its last STATE says online.
 *
 * - Every CONNECT carries a will: `{"online": false, "timestamp": <the time of the CONNECT>}`,
 *   retained, QoS 1 (tck-id-host-topic-phid-death-*).
 * - Once subscribed, the host publishes its birth, `{"online": true}` with the will's timestamp,
 *   retained, QoS 1 (tck-id-host-topic-phid-birth-payload-timestamp).
 * - An offline STATE for its own id delivered after the birth (a will of an older connection
 *   that arrives late, or someone else's) is answered with the birth again, still with that
 *   timestamp (tck-id-message-flow-hid-sparkplug-state-message-delivered).
 * - A clean stop publishes `{"online": false}` with the time of the stop before the DISCONNECT
 *   (tck-id-host-topic-phid-death-payload-disconnect-clean).
 */
export class PrimaryHostState {
  readonly topic: string;
  readonly #now: () => number;
  /** The timestamp of the will in the last CONNECT, which the birth of that connection repeats. */
  #timestamp: number;
  #born = false;

  constructor(hostId: string, now: () => number = Date.now) {
    this.topic = hostStateTopic(hostId);
    this.#now = now;
    this.#timestamp = now();
  }

  /** The timestamp this connection's birth carries. */
  get timestamp(): number {
    return this.#timestamp;
  }

  /** The will for the CONNECT about to be sent; it starts a new connection. */
  will(): HostWill {
    this.#timestamp = this.#now();
    this.#born = false;
    const payload = encode({ online: false, timestamp: this.#timestamp });
    return { topic: this.topic, payload, qos: 1, retain: true };
  }

  /** The birth of the current connection; an offline STATE from now on asks for it again. */
  birth(): Buffer {
    this.#born = true;
    return encode({ online: true, timestamp: this.#timestamp });
  }

  /** The death a clean stop publishes before its DISCONNECT. */
  death(): Buffer {
    this.#born = false;
    return encode({ online: false, timestamp: this.#now() });
  }

  /** The connection is gone; nothing is answered until the next birth. */
  lost(): void {
    this.#born = false;
  }

  /** Whether a STATE delivered on this host's topic must be answered with the birth again. */
  needsRebirth(payload: Buffer): boolean {
    return this.#born && parseHostState(payload)?.online === false;
  }
}

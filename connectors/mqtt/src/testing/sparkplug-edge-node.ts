import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import {
  decodePayload,
  encodePayload,
  type UMetric,
} from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { hostStateTopic, parseHostState } from '../primary-host.ts';
import { SPARKPLUG_NAMESPACE } from '../sparkplug.ts';

const REBIRTH = 'Node Control/Rebirth';

export interface TestEdgeNodeOptions {
  url: string;
  group: string;
  edgeNode: string;
  /** The node's own metrics, with aliases; the NBIRTH carries them besides bdSeq and Rebirth. */
  metrics: UMetric[];
  /**
   * The Sparkplug host id of the node's primary host application. Set, the node publishes its
   * NBIRTH only once that host's STATE says online, and ends its session when it says offline.
   */
  primaryHostId?: string;
}

/**
 * A Sparkplug B 3.0 edge node without devices, on a connection of its own, for tests against a
 * real broker. NDEATH is its will (bdSeq of the connection, QoS 1, not retained); NBIRTH and
 * NDATA go out QoS 0 and numbered by `seq`; an NCMD `Node Control/Rebirth` repeats the NBIRTH.
 *
 * With a primary host (Sparkplug 3.0, "Edge Node Session Establishment" and "Edge Node
 * Termination"): after connecting it subscribes to `spBv1.0/STATE/<primaryHostId>` and sends its
 * NBIRTH only on an online STATE whose timestamp is not older than the last one seen
 * (tck-id-message-flow-edge-node-birth-publish-phid-wait-*). An offline STATE that is not older
 * than the last online one ends a running session: NDEATH, DISCONNECT, and a new connection with
 * the next bdSeq that waits again (tck-id-operational-behavior-edge-node-termination-host-offline).
 * Data offered while it has no session is not sent.
 */
export class SparkplugTestEdgeNode {
  /** The topics of everything the node has published, in order (wills excluded). */
  readonly sent: string[] = [];
  readonly #options: TestEdgeNodeOptions;
  readonly #client: MqttClient;
  #bdSeq = 0;
  #seq = 0;
  #born = false;
  #ending = false;
  /** The timestamp of the last valid STATE of the primary host. */
  #hostTimestamp: number | undefined;
  #subscribed: Promise<void>;

  private constructor(options: TestEdgeNodeOptions) {
    this.#options = options;
    const clientId = `plantgraph-test-edge-${options.group}-${options.edgeNode}`;
    this.#client = connect(options.url, {
      clientId,
      clean: true,
      reconnectPeriod: 200,
      queueQoSZero: false,
      will: this.#will(),
    });
    this.#subscribed = this.#nextSubscription();
    this.#client.on('close', () => this.#lost());
    this.#client.on('message', (topic, payload) => this.#receive(topic, payload));
  }

  /** Connects; resolves once the node is subscribed to NCMD (and the primary host's STATE). */
  static async connect(options: TestEdgeNodeOptions): Promise<SparkplugTestEdgeNode> {
    const node = new SparkplugTestEdgeNode(options);
    await node.subscribed();
    return node;
  }

  /** The bdSeq of the current connection. */
  get bdSeq(): number {
    return this.#bdSeq;
  }

  /** Whether the node is in a Sparkplug session (NBIRTH sent on this connection). */
  get born(): boolean {
    return this.#born;
  }

  /** Resolves once the current connection has made its subscriptions. */
  subscribed(): Promise<void> {
    return this.#subscribed;
  }

  /** Publishes NDATA when in a session; false, and nothing sent, otherwise. */
  async ndata(metrics: UMetric[]): Promise<boolean> {
    if (!this.#born) return false;
    await this.#publish('NDATA', { timestamp: Date.now(), metrics });
    return true;
  }

  /**
   * Publishes `payload` (QoS 1) on `topic`, outside the Sparkplug namespace: a subscriber that
   * has it has everything this node published before it.
   */
  async probe(topic: string, payload: string): Promise<void> {
    await this.#client.publishAsync(topic, payload, { qos: 1 });
  }

  /** NDEATH and DISCONNECT. */
  async close(): Promise<void> {
    this.#ending = true;
    if (this.#client.connected) {
      this.sent.push(this.#topic('NDEATH'));
      await this.#client.publishAsync(this.#topic('NDEATH'), this.#death(), { qos: 1 });
    }
    await this.#client.endAsync();
  }

  #topic(type: string): string {
    return [SPARKPLUG_NAMESPACE, this.#options.group, type, this.#options.edgeNode].join('/');
  }

  #will(): NonNullable<IClientOptions['will']> {
    return { topic: this.#topic('NDEATH'), payload: this.#death(), qos: 1, retain: false };
  }

  #death(): Buffer {
    const metrics: UMetric[] = [{ name: 'bdSeq', type: 'Int64', value: this.#bdSeq }];
    return Buffer.from(encodePayload({ timestamp: Date.now(), metrics }));
  }

  /** The subscriptions of the next connection; the births follow them unless a host is awaited. */
  #nextSubscription(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#client.once('connect', () => {
        const topics = [this.#topic('NCMD')];
        const { primaryHostId } = this.#options;
        if (primaryHostId) topics.push(hostStateTopic(primaryHostId));
        this.#client.subscribeAsync(topics, { qos: 1 }).then(() => {
          if (!primaryHostId) this.#birth();
          resolve();
        }, reject);
      });
    });
  }

  /** A connection ended: the next one is a new session with the next bdSeq. */
  #lost(): void {
    this.#born = false;
    this.#bdSeq = (this.#bdSeq + 1) % 256;
    // mqtt.js sends the will from its options on every reconnect.
    this.#client.options.will = this.#will();
    if (this.#ending) return;
    this.#subscribed = this.#nextSubscription();
    // Handled here too: nobody may wait for a later connection's subscriptions.
    this.#subscribed.catch(() => undefined);
  }

  #receive(topic: string, payload: Buffer): void {
    const { primaryHostId } = this.#options;
    if (primaryHostId && topic === hostStateTopic(primaryHostId)) return this.#hostState(payload);
    if (topic !== this.#topic('NCMD') || !this.#born) return;
    const metrics = decodePayload(payload).metrics ?? [];
    if (metrics.some((metric) => metric.name === REBIRTH && metric.value === true)) this.#birth();
  }

  #hostState(payload: Buffer): void {
    const state = parseHostState(payload);
    if (!state) return;
    if (this.#hostTimestamp !== undefined && state.timestamp < this.#hostTimestamp) return;
    this.#hostTimestamp = state.timestamp;
    if (state.online && !this.#born) return this.#birth();
    if (!state.online && this.#born) void this.#endSession();
  }

  /** The primary host went offline: NDEATH, DISCONNECT, and a new connection that waits for it. */
  async #endSession(): Promise<void> {
    this.#born = false;
    this.sent.push(this.#topic('NDEATH'));
    try {
      await this.#client.publishAsync(this.#topic('NDEATH'), this.#death(), { qos: 1 });
    } catch {
      // The connection went first; the broker has sent the will instead.
    }
    await this.#client.endAsync();
    if (!this.#ending) this.#client.reconnect();
  }

  #birth(): void {
    this.#seq = 0;
    this.#born = true;
    const control: UMetric[] = [
      { name: 'bdSeq', type: 'Int64', value: this.#bdSeq },
      { name: REBIRTH, type: 'Boolean', value: false },
    ];
    const metrics = [...control, ...this.#options.metrics];
    // A birth the connection did not carry is repeated by the next connection.
    this.#publish('NBIRTH', { timestamp: Date.now(), metrics }).catch(() => undefined);
  }

  #publish(type: string, payload: { timestamp: number; metrics: UMetric[] }): Promise<unknown> {
    const seq = this.#seq;
    this.#seq = (this.#seq + 1) % 256;
    this.sent.push(this.#topic(type));
    const encoded = Buffer.from(encodePayload({ ...payload, seq }));
    return this.#client.publishAsync(this.#topic(type), encoded, { qos: 0 });
  }
}

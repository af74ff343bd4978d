import type { Logger } from '@plantgraph/config';
import type {
  ConnectionHealth,
  ConnectionState,
  Connector,
  IngestSink,
  MqttConnectionConfig,
  SignalMapper,
  SparkplugBirthMetric,
} from '@plantgraph/ingest';
import {
  connect,
  type IClientOptions,
  type IConnackPacket,
  type IPublishPacket,
  type MqttClient,
} from 'mqtt';
import { AcknowledgementQueue } from './acknowledgements.ts';
import { deferPuback, type PacketStream } from './manual-puback.ts';
import { MessageHandler } from './message-handler.ts';
import { PrimaryHostState } from './primary-host.ts';
import type { SparkplugDeath, SparkplugDeviceAddress } from './sparkplug.ts';

export interface MqttConnectorOptions {
  connection: MqttConnectionConfig;
  /** The platform bus (MQTT_URL or the embedded broker); used when the connection has no url. */
  brokerUrl?: string;
  mapper: SignalMapper;
  sink: IngestSink;
  health: ConnectionHealth;
  logger: Logger;
  /**
   * Discovery: called for an unmapped topic under `connection.discovery.prefix` (UNS JSON), an
   * unmapped tag address (UMH) or an unmapped metric of an NBIRTH or DBIRTH (Sparkplug B), with
   * the tag's value for UMH and Sparkplug and the birth metric for Sparkplug; resolves true when
   * it created a mapping, after which the value is mapped again.
   */
  discover?: (
    address: string,
    value?: unknown,
    birth?: SparkplugBirthMetric,
  ) => Promise<boolean> | boolean;
  /**
   * Sparkplug: a device (or, with `device` unset, the edge node itself) went offline at `time`
   * (NDEATH/DDEATH). The caller knows which asset that is and records the state.
   */
  onDeviceOffline?: (
    address: SparkplugDeviceAddress,
    time: Date,
    cause: SparkplugDeath,
  ) => Promise<void> | void;
  /** Where usernameEnv/passwordEnv are looked up; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Reconnect delay: starts at `initialMs`, doubles per failed attempt up to `maxMs`. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /**
   * The connection counts as falling behind while a received message has waited longer than
   * this to be stored and acknowledged (default 1000 ms).
   */
  behindAfterMs?: number;
}

/** A running MQTT connector. */
export interface MqttConnector extends Connector {
  /** Messages on unmapped topics dropped because the connection is not strict. */
  readonly ignoredMessages: number;
}

/** Raised at start when a credential variable the connection names is not set. */
export class MissingCredentialError extends Error {
  constructor(connectionId: string, field: string, variable: string) {
    super(`MQTT connection "${connectionId}": ${field} names ${variable}, which is not set.`);
    this.name = 'MissingCredentialError';
  }
}

/**
 * Subscribes to a connection's topics and feeds every message through the mapper into the sink.
 *
 * The client keeps a persistent session (clean: false, QoS 1 subscriptions, the configured
 * clientId), so messages published while the connector is down are delivered when it returns.
 * Messages are handled one at a time in arrival order. A QoS 1 message is acknowledged only once
 * its records and dead letters are durable (`sink.durable()`: committed, or spooled and
 * fsynced), so a crash loses nothing the broker considers delivered. Reading goes on meanwhile:
 * the messages waiting for one batch of the writer are acknowledged together when it is stored,
 * in the order they arrived (`AcknowledgementQueue`). While the sink applies backpressure no
 * further packets are read from the socket and the broker holds the rest. When the sink fails,
 * the connection is dropped without acknowledging anything more, so the broker redelivers every
 * message not acknowledged yet; the unique keys drop the rows already stored. A broker that is
 * down at start or goes away is retried with backoff; state, last error, Sparkplug sequence gaps
 * (lost messages) and whether the connection falls behind go to `health`.
 * Returns at once; the connection is made in the background.
 *
 * Sparkplug 3.0 asks host applications for a clean session (chapter 5, Host Application Session
 * Establishment, tck-id-message-flow-phid-sparkplug-clean-session). This connector keeps its
 * session like every other connection so QoS 1 messages (NDEATH, DDEATH) sent while it was down
 * are not lost; whatever QoS 0 data was missed shows as a sequence gap and triggers a rebirth.
 *
 * With `hostId` on a Sparkplug connection the connector is a primary host application: its will,
 * its birth after subscribing and its death on `close` are STATE messages on
 * `spBv1.0/STATE/<hostId>` (`PrimaryHostState`), so edge nodes waiting for it publish only while
 * it listens.
 */
export function startMqttConnector(options: MqttConnectorOptions): MqttConnector {
  return new MqttIngestConnector(options);
}

const defaultInitialDelayMs = 1_000;
const defaultBehindAfterMs = 1_000;
const defaultMaxDelayMs = 30_000;
const closeGraceMs = 5_000;
/** How long `close` waits for the broker to take the offline STATE. */
const stateGraceMs = 2_000;

class MqttIngestConnector implements MqttConnector {
  readonly connectionId: string;
  private readonly client: MqttClient;
  private readonly handler: MessageHandler;
  /** Set when the connection is a Sparkplug primary host (`hostId`). */
  private readonly primaryHost: PrimaryHostState | undefined;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private state: ConnectionState = 'CONNECTING';
  private lastError: string | undefined;
  /** Set while the sink fails, so reconnecting for a redelivery backs off too. */
  private sinkFailing = false;
  private subscribed = false;
  private closing = false;
  private inFlight: Promise<void> = Promise.resolve();
  /** The messages of the current socket waiting to be acknowledged. */
  private acks: AcknowledgementQueue | undefined;
  private readonly behindTimer: NodeJS.Timeout;

  constructor(private readonly options: MqttConnectorOptions) {
    const { connection, brokerUrl, health } = options;
    this.connectionId = connection.id;
    this.initialDelayMs = options.reconnect?.initialMs ?? defaultInitialDelayMs;
    this.maxDelayMs = options.reconnect?.maxMs ?? defaultMaxDelayMs;
    const url = connection.url ?? brokerUrl;
    if (!url) {
      throw new Error(`MQTT connection "${connection.id}" has no url and no platform bus is set.`);
    }
    this.handler = new MessageHandler({
      ...options,
      publish: (topic, payload) => this.command(topic, payload),
      onLost: (address, count) => this.onLost(address, count),
    });
    const behindAfterMs = options.behindAfterMs ?? defaultBehindAfterMs;
    this.behindTimer = setInterval(() => {
      health.setBehind((this.acks?.oldestWaitMs() ?? 0) > behindAfterMs);
    }, behindAfterMs / 2);
    this.behindTimer.unref();
    if (connection.format === 'sparkplug' && connection.hostId) {
      this.primaryHost = new PrimaryHostState(connection.hostId);
    }
    const clientOptions = this.clientOptions();
    health.setState('CONNECTING');
    this.client = connect(url, clientOptions);
    this.client.handleMessage = (packet, done) => this.onMessage(packet, done);
    this.client.on('connect', (connack) => void this.onConnect(connack));
    this.client.on('error', (error) => this.onError(error));
    this.client.on('close', () => this.onClose());
    this.client.on('reconnect', () => this.onReconnect());
  }

  get ignoredMessages(): number {
    return this.handler.ignoredMessages;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.behindTimer);
    // Let the message in hand finish and what is received be stored and acknowledged, but not for
    // long: a stuck sink must not hold up shutdown, and the broker redelivers what was not
    // acknowledged.
    const deadline = Date.now() + closeGraceMs;
    await settleWithin(this.inFlight, closeGraceMs);
    if (this.acks) await settleWithin(this.acks.drained(), Math.max(0, deadline - Date.now()));
    if (this.primaryHost && this.client.connected) {
      await settleWithin(this.publishDeath(this.primaryHost), stateGraceMs);
    }
    await this.client.endAsync();
    this.acks?.abandon();
    this.options.health.setBehind(false);
    this.report('DISCONNECTED');
  }

  private clientOptions(): IClientOptions {
    const { connection, env = process.env } = this.options;
    return {
      clientId: connection.clientId,
      clean: false,
      // Subscriptions are made in onConnect, where their grants are checked.
      resubscribe: false,
      reconnectPeriod: this.initialDelayMs,
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      username: credential(connection, 'usernameEnv', env),
      password: credential(connection, 'passwordEnv', env),
      will: this.primaryHost?.will(),
    };
  }

  /**
   * mqtt.js reads the next packet only after `done`. A QoS 1 message is handed to the
   * acknowledgement queue, which sends its PUBACK once the sink has stored it; `done` is called
   * as soon as the sink has taken it, so reading goes on meanwhile.
   */
  private onMessage(packet: IPublishPacket, done: (error?: Error) => void): void {
    // Not acknowledged, so the broker keeps it for the next session.
    if (this.closing) return deferPuback(done);
    if (this.primaryHost && packet.topic === this.primaryHost.topic) {
      return this.onHostState(this.primaryHost, packet, done);
    }
    this.options.health.received();
    const acks = this.acknowledgementsFor(this.client.stream);
    const payload =
      typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    this.inFlight = this.handler.handle(packet.topic, payload).then(
      () => {
        this.sinkFailing = false;
        if (packet.qos === 0 || packet.messageId === undefined) return done();
        acks.add(packet.messageId, this.options.sink.durable());
        deferPuback(done);
      },
      (error: Error) => this.redeliver(packet.topic, error),
    );
  }

  /**
   * The host's own STATE topic carries no plant data and goes past the sink: an offline STATE is
   * answered at once with the birth. A retained copy sent for the subscription itself is not: it
   * is the state from before this connection, which the birth replaces anyway (the broker takes
   * the subscription before the birth). A QoS 1 copy (from an overlapping filter such as
   * `spBv1.0/#`) waits for no store, only for the PUBACKs of the messages before it.
   */
  private onHostState(
    host: PrimaryHostState,
    packet: IPublishPacket,
    done: (error?: Error) => void,
  ): void {
    const payload =
      typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (!packet.retain && host.needsRebirth(payload)) {
      this.options.logger.warn(
        { connection: this.connectionId, topic: host.topic },
        'offline STATE for this host while connected: publishing the birth again',
      );
      this.publishBirth(host);
    }
    if (packet.qos === 0 || packet.messageId === undefined) return done();
    this.acknowledgementsFor(this.client.stream).add(packet.messageId, Promise.resolve());
    deferPuback(done);
  }

  /** One queue per socket: a PUBACK only means something on the connection its PUBLISH came on. */
  private acknowledgementsFor(stream: PacketStream): AcknowledgementQueue {
    if (this.acks?.stream === stream) return this.acks;
    this.acks?.abandon();
    this.acks = new AcknowledgementQueue(stream, (error) => this.redeliver(undefined, error));
    return this.acks;
  }

  /**
   * Drops the connection without acknowledging anything more, so the broker sends every message
   * not acknowledged yet again after the reconnect. `done` is not called: the packets mqtt.js
   * already read behind this one must not be handled (and acknowledged) before it.
   */
  private redeliver(topic: string | undefined, error: Error): void {
    const { logger } = this.options;
    logger.error({ connection: this.connectionId, topic, err: error }, 'not stored');
    this.sinkFailing = true;
    this.lastError = error.message;
    this.acks?.abandon();
    this.client.stream.destroy();
  }

  private onLost(address: SparkplugDeviceAddress, count: number): void {
    const { health, logger } = this.options;
    health.lost(count);
    logger.warn({ connection: this.connectionId, ...address, count }, 'Sparkplug messages lost');
  }

  private async onConnect(connack: IConnackPacket): Promise<void> {
    if (!this.sinkFailing) this.client.options.reconnectPeriod = this.initialDelayMs;
    // A resumed session still has its subscriptions; subscribing again would replay retained
    // messages. The first connection of this process subscribes anyway, as the topics may have
    // changed since the session was made.
    if (this.subscribed && connack.sessionPresent) return this.connected();
    try {
      await this.subscribe();
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private async subscribe(): Promise<void> {
    const { connection, health, logger } = this.options;
    const grants = await this.client.subscribeAsync(connection.topics, { qos: 1 });
    const refused = grants.filter((grant) => grant.qos === 128).map((grant) => grant.topic);
    health.setItems(grants.length - refused.length);
    if (this.primaryHost) {
      // QoS 0: the broker sends it at once instead of queueing it behind the QoS 1 messages that
      // wait for their deferred PUBACK (Mosquitto's max_inflight_messages), and it needs no
      // PUBACK. A STATE missed while away does not matter: every connection publishes the birth.
      const [grant] = await this.client.subscribeAsync(this.primaryHost.topic, { qos: 0 });
      if (grant?.qos === 128) refused.push(grant.topic);
    }
    if (refused.length) {
      this.lastError = `the broker refused the subscription to ${refused.join(', ')}`;
      return this.report('FAILED');
    }
    this.subscribed = true;
    logger.info({ connection: connection.id, topics: connection.topics }, 'MQTT subscribed');
    this.connected();
  }

  private connected(): void {
    this.lastError = undefined;
    if (this.primaryHost) this.publishBirth(this.primaryHost);
    this.report('CONNECTED');
  }

  private publishBirth(host: PrimaryHostState): void {
    // Not awaited: messages keep coming meanwhile. If the connection drops first, the next one
    // publishes its own birth.
    this.client.publish(host.topic, host.birth(), { qos: 1, retain: true }, (error) => {
      if (!error) return;
      const { logger } = this.options;
      logger.warn({ connection: this.connectionId, topic: host.topic, err: error }, 'not sent');
    });
  }

  private async publishDeath(host: PrimaryHostState): Promise<void> {
    try {
      await this.client.publishAsync(host.topic, host.death(), { qos: 1, retain: true });
    } catch (error) {
      const { logger } = this.options;
      logger.warn({ connection: this.connectionId, topic: host.topic, err: error }, 'not sent');
    }
  }

  private onError(error: Error): void {
    this.lastError = error.message;
    this.options.logger.warn({ connection: this.connectionId, err: error }, 'MQTT error');
    if (!this.closing) this.report(this.state);
  }

  private onClose(): void {
    // Whatever waits for a PUBACK on the closed socket comes again in the next session.
    this.acks?.abandon();
    this.primaryHost?.lost();
    if (this.closing) return;
    this.lastError ??= 'connection closed';
    this.report(this.state === 'CONNECTING' ? 'CONNECTING' : 'RECONNECTING');
  }

  private onReconnect(): void {
    const period = this.client.options.reconnectPeriod ?? this.initialDelayMs;
    // mqtt.js schedules the next attempt with the period current when this one fails.
    this.client.options.reconnectPeriod = Math.min(this.maxDelayMs, period * 2);
    // mqtt.js builds the next CONNECT from its options right after this event: a new connection
    // gets a will with a timestamp of its own, which its birth repeats.
    if (this.primaryHost) this.client.options.will = this.primaryHost.will();
    this.report('RECONNECTING');
  }

  private command(topic: string, payload: Buffer): void {
    // Not awaited: while reconnecting the publish would wait for the connection.
    this.client.publish(topic, payload, { qos: 0 }, (error) => {
      if (!error) return;
      this.options.logger.warn({ connection: this.connectionId, topic, err: error }, 'not sent');
    });
  }

  private report(state: ConnectionState): void {
    this.state = state;
    const error = state === 'CONNECTED' || state === 'DISCONNECTED' ? undefined : this.lastError;
    this.options.health.setState(state, error);
  }
}

function credential(
  connection: MqttConnectionConfig,
  field: 'usernameEnv' | 'passwordEnv',
  env: NodeJS.ProcessEnv,
): string | undefined {
  const variable = connection[field];
  if (!variable) return undefined;
  const value = env[variable];
  if (value === undefined) throw new MissingCredentialError(connection.id, field, variable);
  return value;
}

function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

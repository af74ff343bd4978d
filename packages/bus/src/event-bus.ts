import { context, propagation, SpanKind, trace, type TextMapGetter } from '@opentelemetry/api';
import { tracingActive } from '@plantgraph/service';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import {
  commandTopic,
  DEFAULT_BUS_PREFIX,
  eventTopic,
  type PlantEvent,
  type PlatformCommand,
} from './events.ts';

export interface EventBusOptions {
  url: string;
  clientId: string;
  prefix?: string;
}

export type EventHandler = (event: PlantEvent, topic: string) => void;

type UserProperties = Record<string, string | string[]>;

const TRACER = '@plantgraph/bus';

/** MQTT 3.1.1's CONNACK return code for a broker that does not speak the requested version. */
const UNACCEPTABLE_PROTOCOL_VERSION = 1;

const userPropertyGetter: TextMapGetter<UserProperties> = {
  keys: (properties) => Object.keys(properties),
  get: (properties, key) => properties[key],
};

/**
 * The platform's event bus over MQTT. Tag values go out at QoS 0 (the next value supersedes a lost
 * one); state changes, counters and alarm transitions at QoS 1.
 *
 * With tracing on (tracing.ts of @plantgraph/service) the bus speaks MQTT 5 and every event
 * carries the W3C trace context of its publisher in the user properties `traceparent` and
 * `tracestate` (MQTT 5.0, 3.3.2.3.7), so a subscriber's work joins the trace of the batch that
 * stored the value. A broker that only speaks MQTT 3.1.1 (the embedded one) gets a 3.1.1
 * connection and events without trace context. With tracing off nothing of this happens.
 */
export class EventBus {
  private constructor(
    private readonly client: MqttClient,
    readonly prefix: string,
  ) {}

  static async connect(options: EventBusOptions): Promise<EventBus> {
    const settings: IClientOptions = { clientId: options.clientId, reconnectPeriod: 1000 };
    const client = tracingActive()
      ? await mqtt
          .connectAsync(options.url, { ...settings, protocolVersion: 5 })
          .catch((error: unknown) => {
            if ((error as { code?: unknown }).code !== UNACCEPTABLE_PROTOCOL_VERSION) throw error;
            return mqtt.connectAsync(options.url, settings);
          })
      : await mqtt.connectAsync(options.url, settings);
    return new EventBus(client, options.prefix ?? DEFAULT_BUS_PREFIX);
  }

  /** Publishes without waiting for the broker; mqtt.js queues while reconnecting. */
  publish(event: PlantEvent): void {
    const topic = eventTopic(this.prefix, event);
    const qos = event.type === 'tagValue' ? 0 : 1;
    if (!tracingActive()) {
      this.client.publish(topic, JSON.stringify(event), { qos });
      return;
    }
    const span = trace.getTracer(TRACER).startSpan(`publish ${event.type}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'mqtt',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'plantgraph.event.type': event.type,
      },
    });
    const userProperties: UserProperties = {};
    if (this.client.options.protocolVersion === 5) {
      propagation.inject(trace.setSpan(context.active(), span), userProperties);
    }
    // No empty user properties: mqtt.js encodes them into a packet a subscriber never receives.
    const carried =
      Object.keys(userProperties).length > 0 ? { properties: { userProperties } } : {};
    this.client.publish(topic, JSON.stringify(event), { qos, ...carried });
    span.end();
  }

  /**
   * Calls `handler` for every event under `filter` (an MQTT filter relative to the prefix, e.g.
   * `dresden/#` or `+/+/+/+/state`). Returns the unsubscribe function.
   */
  async subscribe(filter: string, handler: EventHandler): Promise<() => Promise<void>> {
    const topicFilter = `${this.prefix}/${filter}`;
    const onMessage = (topic: string, payload: Buffer, packet: IPublishPacket) => {
      if (!matches(topicFilter, topic)) return;
      try {
        const event = JSON.parse(payload.toString('utf8')) as PlantEvent;
        const carried = packet.properties?.userProperties;
        if (carried && tracingActive())
          receiveTraced(event, topic, carried, () => handler(event, topic));
        else handler(event, topic);
      } catch {
        // Not ours to judge: another publisher's malformed message on our namespace.
      }
    };
    this.client.on('message', onMessage);
    await this.client.subscribeAsync(topicFilter, { qos: 1 });
    return async () => {
      this.client.off('message', onMessage);
      await this.client.unsubscribeAsync(topicFilter);
    };
  }

  /** Asks the connectors to act; QoS 1, so a connected connector gets it despite a reconnect. */
  publishCommand(command: PlatformCommand): void {
    this.client.publish(commandTopic(this.prefix, command.kind), JSON.stringify(command), {
      qos: 1,
    });
  }

  /** Calls `handler` for every command of `kind`; returns the unsubscribe function. */
  async onCommand<K extends PlatformCommand['kind']>(
    kind: K,
    handler: (command: Extract<PlatformCommand, { kind: K }>) => void,
  ): Promise<() => Promise<void>> {
    const topic = commandTopic(this.prefix, kind);
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== topic) return;
      try {
        const command = JSON.parse(payload.toString('utf8')) as PlatformCommand;
        if (command.kind === kind) handler(command as Extract<PlatformCommand, { kind: K }>);
      } catch {
        // A malformed command is nobody's work; the database holds the real ones.
      }
    };
    this.client.on('message', onMessage);
    await this.client.subscribeAsync(topic, { qos: 1 });
    return async () => {
      this.client.off('message', onMessage);
      await this.client.unsubscribeAsync(topic);
    };
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}

/**
 * Runs a subscriber's handler in a CONSUMER span, child of the publisher's span. Spans are named
 * by event type, the topic (one per tag) is an attribute: a name per tag would flood a tracing
 * backend's list of operations.
 */
function receiveTraced(
  event: PlantEvent,
  topic: string,
  carried: UserProperties,
  handle: () => void,
): void {
  const parent = propagation.extract(context.active(), carried, userPropertyGetter);
  const span = trace.getTracer(TRACER).startSpan(
    `process ${event.type}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'mqtt',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'plantgraph.event.type': event.type,
      },
    },
    parent,
  );
  try {
    context.with(trace.setSpan(parent, span), handle);
  } finally {
    span.end();
  }
}

/** MQTT topic filter matching (MQTT 5.0, 4.7). */
function matches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index];
    if (level === '#') return true;
    if (index >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[index]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

import mqtt, { type MqttClient } from 'mqtt';
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

/**
 * The platform's event bus over MQTT. Tag values go out at QoS 0 (the next value supersedes a lost
 * one); state changes, counters and alarm transitions at QoS 1.
 */
export class EventBus {
  private constructor(
    private readonly client: MqttClient,
    readonly prefix: string,
  ) {}

  static async connect(options: EventBusOptions): Promise<EventBus> {
    const client = await mqtt.connectAsync(options.url, {
      clientId: options.clientId,
      reconnectPeriod: 1000,
    });
    return new EventBus(client, options.prefix ?? DEFAULT_BUS_PREFIX);
  }

  /** Publishes without waiting for the broker; mqtt.js queues while reconnecting. */
  publish(event: PlantEvent): void {
    this.client.publish(eventTopic(this.prefix, event), JSON.stringify(event), {
      qos: event.type === 'tagValue' ? 0 : 1,
    });
  }

  /**
   * Calls `handler` for every event under `filter` (an MQTT filter relative to the prefix, e.g.
   * `dresden/#` or `+/+/+/+/state`). Returns the unsubscribe function.
   */
  async subscribe(filter: string, handler: EventHandler): Promise<() => Promise<void>> {
    const topicFilter = `${this.prefix}/${filter}`;
    const onMessage = (topic: string, payload: Buffer) => {
      if (!matches(topicFilter, topic)) return;
      try {
        handler(JSON.parse(payload.toString('utf8')) as PlantEvent, topic);
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

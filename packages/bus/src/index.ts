export {
  startEmbeddedBroker,
  PortInUseError,
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
} from './broker.ts';
export { EventBus, type EventBusOptions, type EventHandler } from './event-bus.ts';
export {
  commandTopic,
  DEFAULT_BUS_PREFIX,
  eventTopic,
  topicLevel,
  type AlarmAcknowledgeCommand,
  type AlarmEvent,
  type CounterEvent,
  type OrderAbortCommand,
  type OrderDownloadCommand,
  type OrderStatusEvent,
  type PlatformCommand,
  type PlantEvent,
  type StateEvent,
  type TagValueEvent,
} from './events.ts';

export {
  startEmbeddedBroker,
  PortInUseError,
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
} from './broker.ts';

import { startEmbeddedBroker } from '@plantgraph/bus';

/**
 * `embedded`: an aedes broker inside the test process. `mosquitto`: the real broker TEST_MQTT_URL
 * names (Mosquitto in CI), shared with every other test file and run.
 */
export type TestBrokerKind = 'embedded' | 'mosquitto';

export interface TestBroker {
  readonly kind: TestBrokerKind;
  /** `mqtt://host:port` */
  readonly url: string;
  /** Stops an embedded broker; leaves a real one running for the other test files. */
  close(): Promise<void>;
}

/** The brokers a test that runs "on both brokers" covers, whether or not this run has them. */
export const TEST_BROKER_KINDS: readonly TestBrokerKind[] = ['embedded', 'mosquitto'];

/** Whether this run has a broker of `kind`: a real one only when TEST_MQTT_URL is set. */
export function hasTestBroker(kind: TestBrokerKind): boolean {
  return kind === 'embedded' || Boolean(process.env.TEST_MQTT_URL);
}

/**
 * The broker this run targets: TEST_MQTT_URL's when set, so CI can prove the tests on a real
 * broker; the embedded one otherwise, so a fresh checkout needs no broker at all.
 */
export function testBrokerKind(): TestBrokerKind {
  return hasTestBroker('mosquitto') ? 'mosquitto' : 'embedded';
}

/**
 * A broker for the calling test file, of `kind` (default: `testBrokerKind()`). An embedded broker
 * listens on a free port, so test files running in parallel never share one. On a real broker,
 * tests must keep to topics and client ids of their own.
 */
export async function testBroker(kind: TestBrokerKind = testBrokerKind()): Promise<TestBroker> {
  if (kind === 'embedded') {
    const broker = await startEmbeddedBroker({ port: 0 });
    return { kind, url: broker.url, close: () => broker.close() };
  }
  const url = process.env.TEST_MQTT_URL;
  // Falling back to an embedded broker here would pass the mosquitto variant without testing it.
  if (!url) throw new Error('TEST_MQTT_URL must name the broker for the mosquitto variant');
  return { kind, url, close: async () => undefined };
}

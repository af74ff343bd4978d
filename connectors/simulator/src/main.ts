import {
  ConfigError,
  closeOnSignals,
  createLogger,
  exitOnStartupError,
  loadConfig,
  port,
} from '@plantgraph/config';
import { z } from 'zod';
import { startMqttSimulator } from './mqtt-simulator.ts';
import { startOpcuaSimulator } from './opcua-server.ts';

const logger = createLogger('plant-simulator');

/** The demo plant's machines: Dresden over OPC UA, Lyon over MQTT (Sparkplug B and UNS JSON). */
async function main(): Promise<void> {
  const config = loadConfig({
    PLANTGRAPH_OPCUA_PORT: port(4840),
    PLANTGRAPH_OPCUA_HOST: z.string().min(1).default('127.0.0.1'),
    PLANTGRAPH_OPCUA_USERNAME: z.string().min(1).optional(),
    PLANTGRAPH_OPCUA_PASSWORD: z.string().min(1).optional(),
    MQTT_URL: z
      .string()
      .regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://')
      .default('mqtt://127.0.0.1:1884'),
    // 60 makes a plant minute pass per second, so states change within the first minute.
    PLANTGRAPH_SIMULATOR_SPEED: z.coerce.number().positive().default(60),
    PLANTGRAPH_SIMULATOR_SEED: z.coerce.number().int().default(1),
    PLANTGRAPH_SIMULATOR_TICK_MS: z.coerce.number().int().min(10).default(1000),
  });
  const { PLANTGRAPH_OPCUA_USERNAME: username, PLANTGRAPH_OPCUA_PASSWORD: password } = config;
  if (!username !== !password) {
    throw new ConfigError([
      'PLANTGRAPH_OPCUA_USERNAME and PLANTGRAPH_OPCUA_PASSWORD: set both or neither',
    ]);
  }
  const model = {
    seed: config.PLANTGRAPH_SIMULATOR_SEED,
    speed: config.PLANTGRAPH_SIMULATOR_SPEED,
    tickMs: config.PLANTGRAPH_SIMULATOR_TICK_MS,
    logger,
  };

  const opcua = await startOpcuaSimulator({
    ...model,
    port: config.PLANTGRAPH_OPCUA_PORT,
    host: config.PLANTGRAPH_OPCUA_HOST,
    user: username && password ? { username, password } : undefined,
  }).catch((error: unknown) => {
    if (!String(error).includes('EADDRINUSE')) throw error;
    throw new ConfigError([
      `PLANTGRAPH_OPCUA_PORT: port ${config.PLANTGRAPH_OPCUA_PORT} is already in use`,
    ]);
  });
  const mqtt = await startMqttSimulator({ ...model, url: config.MQTT_URL }).catch(
    async (error: unknown) => {
      await opcua.close();
      throw error;
    },
  );
  logger.info(
    { opcua: opcua.endpointUrl, mqtt: config.MQTT_URL, speed: model.speed },
    'plant simulator running',
  );

  closeOnSignals(logger, async () => {
    await mqtt.close();
    await opcua.close();
  });
}

await main().catch(exitOnStartupError);

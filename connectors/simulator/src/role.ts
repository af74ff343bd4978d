import { ConfigError, createLogger, port } from '@plantgraph/config';
import { defineRole, listenHost } from '@plantgraph/service';
import { z } from 'zod';
import { startMqttSimulator } from './mqtt-simulator.ts';
import { startOpcuaSimulator } from './opcua-server.ts';

export const simulatorEnvironment = {
  PLANTGRAPH_OPCUA_PORT: port(4840).describe('OPC UA server port (Dresden)'),
  PLANTGRAPH_OPCUA_HOST: listenHost('127.0.0.1').describe('OPC UA server address'),
  PLANTGRAPH_OPCUA_USERNAME: z.string().min(1).optional().describe('OPC UA user (with password)'),
  PLANTGRAPH_OPCUA_PASSWORD: z.string().min(1).optional().describe('OPC UA password'),
  MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://')
    .default('mqtt://127.0.0.1:1884')
    .describe('broker the Lyon machines publish to (Sparkplug B, UNS JSON)'),
  // 60 makes a plant minute pass per second, so states change within the first minute.
  PLANTGRAPH_SIMULATOR_SPEED: z.coerce
    .number()
    .positive()
    .default(60)
    .describe('plant seconds per real second'),
  PLANTGRAPH_SIMULATOR_SEED: z.coerce.number().int().default(1).describe('random seed'),
  PLANTGRAPH_SIMULATOR_TICK_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(1000)
    .describe('milliseconds between machine updates'),
};

/** The demo plant's machines: Dresden over OPC UA, Lyon over MQTT (Sparkplug B and UNS JSON). */
export const simulatorRole = defineRole({
  name: 'simulator',
  environment: simulatorEnvironment,
  async start(config) {
    const logger = createLogger('plant-simulator');
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
    return {
      async close() {
        await mqtt.close();
        await opcua.close();
      },
    };
  },
});

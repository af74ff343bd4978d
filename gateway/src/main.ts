import {
  closeOnSignals,
  createLogger,
  exitOnStartupError,
  loadConfig,
  optionalUrl,
  port,
} from '@plantgraph/config';
import { z } from 'zod';
import { loadSupergraphSdl } from './compose.ts';
import { startGateway } from './gateway-server.ts';
import { subgraphEntries } from './subgraphs.ts';

const logger = createLogger('gateway');

async function main(): Promise<void> {
  const config = loadConfig({
    PORT: port(4000),
    HOST: z.string().default('0.0.0.0'),
    NODE_ENV: z.string().default('development'),
    ...Object.fromEntries(subgraphEntries.map((entry) => [entry.urlVariable, optionalUrl()])),
  });
  const env = config as unknown as Record<string, string | undefined>;
  const server = await startGateway({
    supergraphSdl: loadSupergraphSdl(),
    subgraphUrls: Object.fromEntries(
      subgraphEntries.map((entry) => [entry.module.name, env[entry.urlVariable]]),
    ),
    port: config.PORT,
    host: config.HOST,
    sandbox: config.NODE_ENV !== 'production',
    logger,
  });
  logger.info({ url: server.url }, 'gateway ready');

  closeOnSignals(logger, () => server.close());
}

await main().catch(exitOnStartupError);

import { defineRole } from '@plantgraph/service';
import { z } from 'zod';
import { edgeEnvironment, startEdge } from './edge-role.ts';
import { exportEnvironment, exportFromEnvironment } from './export/export-environment.ts';
import { startGateway } from './gateway-server.ts';
import { limitsEnvironment, limitsFromEnvironment } from './limits/environment.ts';
import { DEFAULT_SUBGRAPH_TIMEOUT_MS } from './subgraph-replicas.ts';

const subgraphUrl = (name: string) =>
  z
    .preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .string()
        .regex(
          /^https?:\/\/[^,\s]+(,\s*https?:\/\/[^,\s]+)*$/,
          'must be http(s) URLs, comma-separated',
        )
        .optional(),
    )
    .describe(`the ${name} subgraph; a comma-separated list names its replicas`);

export const gatewayEnvironment = {
  ...edgeEnvironment(subgraphUrl),
  PLANTGRAPH_SUBGRAPH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(DEFAULT_SUBGRAPH_TIMEOUT_MS)
    .describe('deadline of one subgraph request'),
  ...limitsEnvironment,
  ...exportEnvironment,
} as const;

/** The API edge: serves the supergraph over the subgraphs' URLs; it imports no subgraph. */
export const gatewayRole = defineRole({
  name: 'gateway',
  environment: gatewayEnvironment,
  start: (config) =>
    startEdge('gateway', config, (edge) =>
      startGateway({
        ...edge,
        subgraphTimeoutMs: config.PLANTGRAPH_SUBGRAPH_TIMEOUT_MS,
        ...limitsFromEnvironment(config),
        ...exportFromEnvironment(config),
      }),
    ),
});

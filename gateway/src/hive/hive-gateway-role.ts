import { defineRole } from '@plantgraph/service';
import { z } from 'zod';
import { edgeEnvironment, startEdge } from '../edge-role.ts';
import { startHiveGateway } from './hive-gateway-server.ts';

// One URL per subgraph: Hive Gateway has no replica list of its own; put a load balancer there.
const subgraphUrl = (name: string) =>
  z
    .preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .string()
        .regex(/^https?:\/\/[^,\s]+$/, 'must be one http(s) URL')
        .optional(),
    )
    .describe(`the ${name} subgraph`);

export const hiveGatewayEnvironment = edgeEnvironment(subgraphUrl);

/**
 * The API edge on Hive Gateway instead of @apollo/gateway (docs/deploy.md#other-gateways): the
 * same supergraph, credentials and subgraph signatures, without the Node gateway's limits.
 */
export const hiveGatewayRole = defineRole({
  name: 'hive-gateway',
  environment: hiveGatewayEnvironment,
  start: (config) => startEdge('hive-gateway', config, startHiveGateway),
});

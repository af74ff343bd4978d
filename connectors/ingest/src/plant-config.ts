/**
 * The configuration the connectors run on. Its language belongs to the integration domain, which
 * the graph shares to validate what is applied.
 */
export * from '@plantgraph/integration-domain/config';

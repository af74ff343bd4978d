import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse, printSchema } from 'graphql';
import { fileURLToPath } from 'node:url';
import { defaultSubgraphUrl } from '@plantgraph/config';
import { subgraphModules } from '@plantgraph/demo';

export const supergraphPath = fileURLToPath(
  new URL('../../gateway/supergraph.graphql', import.meta.url),
);
export const apiSchemaPath = fileURLToPath(
  new URL('../../gateway/api-schema.graphql', import.meta.url),
);

export interface ComposedGraph {
  /** The supergraph SDL the gateway (or Apollo Router, Hive Gateway, Cosmo) serves. */
  supergraphSdl: string;
  /** The schema clients see, without federation internals; input to codegen and schema checks. */
  apiSchemaSdl: string;
}

/** Raised when the subgraphs do not compose; lists every composition error. */
export class CompositionError extends Error {
  constructor(errors: readonly Error[]) {
    super(
      `Supergraph composition failed:\n${errors.map((error) => `  - ${error.message}`).join('\n')}`,
    );
    this.name = 'CompositionError';
  }
}

/** Composes the five subgraphs' schemas, built in process, with their default URLs. */
export async function composeSupergraph(): Promise<ComposedGraph> {
  const services = await Promise.all(
    subgraphModules.map(async (entry) => ({
      name: entry.module.name,
      url: defaultSubgraphUrl(entry),
      typeDefs: parse(printSubgraphSchema(await entry.module.buildSchema())),
    })),
  );
  const result = composeServices(services);
  if (result.errors) throw new CompositionError(result.errors);
  return {
    supergraphSdl: result.supergraphSdl,
    apiSchemaSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()),
  };
}

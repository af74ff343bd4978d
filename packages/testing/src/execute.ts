import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  createContext,
  createErrorFormatter,
  type GraphContext,
  type GraphServices,
  type Identity,
} from '@plantgraph/graph';
import { print, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';

export interface ExecutionResult<TData> {
  data?: TData | null;
  errors?: readonly GraphQLFormattedError[];
}

/**
 * Executes an operation against one subgraph's schema through Apollo Server (so error
 * formatting is the production one), with a fresh request context.
 */
export class SubgraphClient {
  private constructor(
    private readonly server: ApolloServer<GraphContext>,
    private readonly services: GraphServices,
  ) {}

  static async start(schema: GraphQLSchema, services: GraphServices): Promise<SubgraphClient> {
    const server = new ApolloServer<GraphContext>({
      schema,
      includeStacktraceInErrorResponses: false,
      formatError: createErrorFormatter(services.logger),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    await server.start();
    return new SubgraphClient(server, services);
  }

  async execute<
    TData = Record<string, unknown>,
    TVariables extends Record<string, unknown> = Record<string, unknown>,
  >(
    document: string | DocumentNode | TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
    /** A subject (with every right and site) or a whole identity. */
    caller: string | Identity = 'test-user',
  ): Promise<ExecutionResult<TData>> {
    const identity: Identity =
      typeof caller === 'string' ? { subject: caller, role: 'admin', sites: null } : caller;
    const query = typeof document === 'string' ? document : print(document);
    const response = await this.server.executeOperation<TData, TVariables>(
      { query, ...(variables ? { variables } : {}) },
      { contextValue: createContext(this.services, identity) },
    );
    if (response.body.kind !== 'single') throw new Error('Incremental delivery is not expected');
    const { data, errors } = response.body.singleResult;
    return { ...(data === undefined ? {} : { data }), ...(errors ? { errors } : {}) };
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

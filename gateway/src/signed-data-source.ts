import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { signIdentity, type Identity } from '@plantgraph/auth';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { SubgraphReplicas } from './subgraph-replicas.ts';

type Context = { identity?: Identity };

/**
 * A subgraph data source that signs the caller's identity (from the request context) over the
 * exact body it sends, so the subgraph knows the request came through the gateway and for whom.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<Context> {
  constructor(
    replicas: SubgraphReplicas,
    private readonly secret: string,
  ) {
    // The replicas' client (undici, with failover) honours the subgraphs' keep-alive timeout;
    // Apollo's default agent reuses sockets the server already closed (ECONNRESET under load,
    // apollographql/federation#2313).
    super({ url: replicas.urls[0], fetcher: replicas.fetch as unknown as Fetcher });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>): void {
    const { identity } = context;
    if (!identity) throw new Error('A subgraph request without a caller identity');
    // The body as RemoteGraphQLDataSource serialises it: query first, then the rest, no http.
    const { query, http, ...rest } = request;
    const body = JSON.stringify({ query, ...rest });
    for (const [name, value] of Object.entries(signIdentity(this.secret, identity, body))) {
      http?.headers.set(name, value);
    }
  }
}

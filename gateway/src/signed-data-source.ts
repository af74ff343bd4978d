import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { signIdentity, type Identity } from '@plantgraph/auth';
import { traceHeaders } from '@plantgraph/service';
import type { SubgraphReplicas } from './subgraph-replicas.ts';
import type { SubgraphResponse } from './subgraph-http.ts';

type Context = { identity?: Identity };
type SubgraphAnswer = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * A subgraph data source that signs the caller's identity (from the request context) over the
 * exact body it sends, so the subgraph knows the request came through the gateway and for whom.
 *
 * It implements @apollo/gateway's data source contract itself instead of extending
 * RemoteGraphQLDataSource, which builds a node-fetch Headers and Request for every fetch and whose
 * body the signature would have to serialise a second time: every federated query runs this once
 * per subgraph in its plan. What it keeps of RemoteGraphQLDataSource: the query first in the body
 * (SubgraphReplicas reads whether it is a mutation from there), a non-2xx answer as a GraphQLError
 * `<status>: <text>` carrying the response (UNAUTHENTICATED for 401, FORBIDDEN for 403), and a
 * body that is not JSON as an error. With tracing on, the request carries the W3C trace context
 * of @apollo/gateway's `gateway.fetch` span, so the subgraph's spans join the caller's trace.
 */
export class SignedDataSource implements GraphQLDataSource<Context> {
  constructor(
    private readonly replicas: SubgraphReplicas,
    private readonly secret: string,
  ) {}

  async process({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<Context>): Promise<SubgraphAnswer> {
    const { identity } = context;
    if (!identity) throw new Error('A subgraph request without a caller identity');
    const { query, variables, operationName, extensions } = request;
    if (!query) throw new Error('Missing query');
    const body = JSON.stringify({ query, variables, operationName, extensions });
    const response = await this.replicas.fetch(undefined, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signIdentity(this.secret, identity, body),
        ...traceHeaders(),
      },
      body,
    });
    const answer = await readBody(response);
    if (!response.ok) throw httpError(response, answer);
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
      throw new Error(`Expected JSON response body, but received: ${String(answer)}`);
    }
    return answer as SubgraphAnswer;
  }
}

function readBody(response: SubgraphResponse): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  const json =
    type.startsWith('application/json') || type.startsWith('application/graphql-response+json');
  return json ? response.json() : response.text();
}

function httpError(response: SubgraphResponse, body: unknown): GraphQLError {
  const code =
    response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${response.status}: ${response.statusText}`, {
    extensions: {
      ...(code ? { code } : {}),
      response: {
        url: response.url,
        status: response.status,
        statusText: response.statusText,
        body,
      },
    },
  });
}

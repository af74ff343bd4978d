import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A small GraphQL server speaking the gateway's protocols for the client's tests: POST on /graphql
 * (401 without accepted credentials) and graphql-ws on the same URL (4403 for refused ones).
 */

const schema = buildSchema(`
  type Query {
    tag(id: ID!): Tag
    tags(first: Int!, after: String): TagConnection!
    readings(first: Int!, after: String): ReadingFrame!
  }
  type Tag { id: ID! name: String! }
  type TagEdge { node: Tag! }
  type TagConnection { edges: [TagEdge!]! pageInfo: PageInfo! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Column { name: String! values: [Float]! }
  type ReadingFrame { timestamps: [String!]! columns: [Column!]! pageInfo: PageInfo! }
  type Subscription { ticks: Int! }
`);

export const TAGS = ['Flow', 'Pressure', 'Speed', 'Temperature', 'Torque'].map((name, index) => ({
  id: String(index + 1),
  name,
}));

/** `after` is the index of the last item of the previous page; absent: from the start. */
function slice<T>(items: readonly T[], first: number, after: string | null | undefined) {
  const from = after ? Number(after) + 1 : 0;
  const page = items.slice(from, from + first);
  const last = from + page.length - 1;
  return {
    page,
    pageInfo: {
      hasNextPage: last < items.length - 1,
      endCursor: page.length ? String(last) : null,
    },
  };
}

const READINGS = Array.from({ length: 5 }, (_, second) => second);

const root = {
  tag: ({ id }: { id: string }) => {
    const tag = TAGS.find((candidate) => candidate.id === id);
    if (!tag) throw new GraphQLError(`No tag ${id}`, { extensions: { code: 'NOT_FOUND' } });
    return tag;
  },
  tags: ({ first, after }: { first: number; after?: string | null }, context: Requests) => {
    context.afters.push(after ?? null);
    const { page, pageInfo } = slice(TAGS, first, after);
    return { edges: page.map((node) => ({ node })), pageInfo };
  },
  readings: ({ first, after }: { first: number; after?: string | null }) => {
    const { page, pageInfo } = slice(READINGS, first, after);
    return {
      timestamps: page.map((second) => new Date(second * 1000).toISOString()),
      columns: [
        { name: 'flow', values: page.map((second) => second * 10) },
        { name: 'speed', values: page.map((second) => (second === 2 ? null : second)) },
      ],
      pageInfo,
    };
  },
  // An event every 10 ms, numbered from 1, for as long as someone listens.
  ticks: async function* () {
    for (let tick = 1; ; tick++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      yield { ticks: tick };
    }
  },
};

interface Requests {
  /** The `after` argument of every `tags` page requested, in order. */
  afters: (string | null)[];
}

export interface TestGraph {
  url: string;
  /** The connection_init `authorization` of every socket, in order of arrival. */
  connections: (string | null)[];
  afters: (string | null)[];
  /** The open sockets: tests drop them or close them as the gateway would. */
  sockets(): Set<WebSocket>;
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the server on a free loopback port; `accepts` decides on each authorization header. */
export async function startTestGraph(
  accepts: (authorization: string | null) => boolean,
): Promise<TestGraph> {
  const requests: Requests = { afters: [] };
  const connections: (string | null)[] = [];
  const server = createServer(async (request, response) => {
    const { query, variables } = JSON.parse(await body(request)) as {
      query: string;
      variables: Record<string, unknown>;
    };
    response.setHeader('content-type', 'application/json');
    if (!accepts(request.headers.authorization ?? null)) {
      response.statusCode = 401;
      const error = { message: 'Not authenticated', extensions: { code: 'UNAUTHENTICATED' } };
      response.end(JSON.stringify({ errors: [error] }));
      return;
    }
    const result = await graphql({
      schema,
      source: query,
      rootValue: root,
      contextValue: requests,
      variableValues: variables,
    });
    response.end(JSON.stringify(result));
  });
  const sockets = new WebSocketServer({ server, path: '/graphql' });
  const serving = useServer(
    {
      schema,
      roots: { query: root, subscription: root },
      onConnect: (ctx) => {
        const authorization = ctx.connectionParams?.['authorization'];
        const text = typeof authorization === 'string' ? authorization : null;
        connections.push(text);
        return accepts(text);
      },
    },
    sockets,
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    connections,
    afters: requests.afters,
    sockets: () => sockets.clients,
    async close() {
      await serving.dispose();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

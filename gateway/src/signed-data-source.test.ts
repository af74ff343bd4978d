import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITY_HEADER, SIGNATURE_HEADER, verifyIdentity, type Identity } from '@plantgraph/auth';
import { SignedDataSource } from './signed-data-source.ts';
import { SubgraphReplicas } from './subgraph-replicas.ts';

const SECRET = 'a-test-secret-of-sufficient-length';
const identity: Identity = { subject: 'key:1', role: 'viewer', sites: ['site-a'] };
const servers: Server[] = [];

async function subgraph(listener: RequestListener): Promise<SignedDataSource> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const replicas = new SubgraphReplicas('assets', `http://127.0.0.1:${port}/graphql`, 5_000);
  return new SignedDataSource(replicas, SECRET);
}

function send(source: SignedDataSource, context: { identity?: Identity } = { identity }) {
  const request = { query: '{ assets { id } }', variables: { first: 1 } };
  return source.process({
    kind: 'incoming operation',
    request,
    context,
    incomingRequestContext: { request, context },
  } as unknown as GraphQLDataSourceProcessOptions<{ identity?: Identity }>);
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('SignedDataSource', () => {
  it('signs the caller over the very body it sends, query first', async () => {
    let verified: Identity | undefined;
    let sent = '';
    const source = await subgraph((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        sent = Buffer.concat(chunks).toString('utf8');
        verified = verifyIdentity(
          SECRET,
          {
            identity: request.headers[IDENTITY_HEADER] as string,
            signature: request.headers[SIGNATURE_HEADER] as string,
          },
          sent,
        );
        response.setHeader('content-type', 'application/json');
        response.end('{"data":{"assets":[]}}');
      });
    });
    await expect(send(source)).resolves.toEqual({ data: { assets: [] } });
    expect(verified).toMatchObject(identity);
    expect(sent.startsWith('{"query":"{ assets { id } }"')).toBe(true);
    expect(JSON.parse(sent)).toEqual({ query: '{ assets { id } }', variables: { first: 1 } });
  });

  it('refuses to send a request without a caller', async () => {
    const source = await subgraph((_request, response) => response.end('{}'));
    await expect(send(source, {})).rejects.toThrow(/without a caller identity/);
  });

  it('turns a 401 into an UNAUTHENTICATED error carrying the answer', async () => {
    const source = await subgraph((_request, response) => {
      response.statusCode = 401;
      response.setHeader('content-type', 'application/json');
      response.end('{"errors":[{"message":"the gateway signature is missing"}]}');
    });
    await expect(send(source)).rejects.toMatchObject({
      message: '401: Unauthorized',
      extensions: {
        code: 'UNAUTHENTICATED',
        response: {
          status: 401,
          body: { errors: [{ message: 'the gateway signature is missing' }] },
        },
      },
    });
  });

  it('rejects an answer that is not a JSON object', async () => {
    const source = await subgraph((_request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end('gateway timeout page');
    });
    await expect(send(source)).rejects.toThrow(
      'Expected JSON response body, but received: gateway timeout page',
    );
  });
});

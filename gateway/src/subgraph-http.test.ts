import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendToSubgraph } from './subgraph-http.ts';

const servers: Server[] = [];

/** A loopback subgraph stand-in; `connections()` counts the TCP connections it accepted. */
async function subgraph(listener: RequestListener) {
  let connections = 0;
  const server = createServer(listener);
  server.on('connection', () => (connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, connections: () => connections };
}

/** Answers with the request's body and headers, as JSON. */
const echo: RequestListener = (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({ body: Buffer.concat(chunks).toString('utf8'), headers: request.headers }),
    );
  });
};

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('sendToSubgraph', () => {
  it('sends the body and headers as given and reads the answer as fetch would', async () => {
    const { url } = await subgraph(echo);
    const body = JSON.stringify({ query: '{ ä }' });
    const response = await sendToSubgraph(
      url,
      { method: 'POST', headers: { 'x-plantgraph-signature': 'signed' }, body },
      5_000,
    );
    expect(response).toMatchObject({ ok: true, status: 200, url });
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(await response.json()).toMatchObject({
      body,
      headers: {
        'x-plantgraph-signature': 'signed',
        'content-length': String(Buffer.byteLength(body)),
      },
    });
  });

  it('sends one request after another over the same keep-alive connections', async () => {
    const target = await subgraph(echo);
    for (let request = 0; request < 10; request += 1) {
      await (await sendToSubgraph(target.url, { body: '{}' }, 5_000)).text();
    }
    // undici's pool may open a second connection while the first finishes its answer; ten
    // requests in a row still share those.
    expect(target.connections()).toBeLessThanOrEqual(2);
  });

  it('hands back an error status with its body, not as a failure', async () => {
    const { url } = await subgraph((_request, response) => {
      response.statusCode = 401;
      response.end('{"errors":[{"message":"Unauthenticated"}]}');
    });
    const response = await sendToSubgraph(url, { body: '{}' }, 5_000);
    expect([response.ok, response.status, response.statusText]).toEqual([
      false,
      401,
      'Unauthorized',
    ]);
    expect(await response.text()).toBe('{"errors":[{"message":"Unauthenticated"}]}');
  });

  it('fails, never answers with part of a body, when the connection breaks mid-answer', async () => {
    const { url } = await subgraph((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('{"data":');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    await expect(sendToSubgraph(url, { body: '{}' }, 5_000)).rejects.toThrow(/closed|reset/i);
  });
});

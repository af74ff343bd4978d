import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SubgraphReplicas } from './subgraph-replicas.ts';

/** Loopback HTTP servers standing in for subgraph replicas, each counting what reached it. */
const servers: Server[] = [];

async function replica(
  behaviour: 'answer' | 'drop' | 'hang',
): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((request, response) => {
    hits += 1;
    request.resume();
    request.on('end', () => {
      if (behaviour === 'answer') response.end('{"data":{"ok":true}}');
      if (behaviour === 'drop') request.socket.destroy();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, hits: () => hits };
}

/** A port nothing listens on: the connection is refused before anything is sent. */
async function refusedUrl(): Promise<string> {
  const { url } = await replica('answer');
  const server = servers.pop() as Server;
  await new Promise((resolve) => server.close(resolve));
  return url;
}

const body = (query: string) => JSON.stringify({ query, variables: {} });
const post = (replicas: SubgraphReplicas, query: string) =>
  replicas.fetch('http://ignored/graphql', { method: 'POST', body: body(query) });

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('SubgraphReplicas', () => {
  it('sends a request the refused replica never saw to the next one, mutations included', async () => {
    const live = await replica('answer');
    const replicas = new SubgraphReplicas('assets', `${await refusedUrl()},${live.url}`, 5_000);
    for (const query of ['{ assets { id } }', 'mutation { retireAsset(id: "1") { id } }']) {
      const response = await post(replicas, query);
      expect(await response.json()).toEqual({ data: { ok: true } });
    }
    expect(live.hits()).toBe(2);
  });

  it('repeats a query on another replica when the first drops the connection', async () => {
    const dropping = await replica('drop');
    const live = await replica('answer');
    const replicas = new SubgraphReplicas('assets', `${dropping.url},${live.url}`, 5_000);
    const response = await post(replicas, 'query Assets { assets { id } }');
    expect(response.status).toBe(200);
    expect([dropping.hits(), live.hits()]).toEqual([1, 1]);
  });

  it('does not repeat a mutation the first replica may have run, and says so with a code', async () => {
    const dropping = await replica('drop');
    const live = await replica('answer');
    const replicas = new SubgraphReplicas('orders', `${dropping.url},${live.url}`, 5_000);
    const failure = await post(replicas, 'mutation { releaseOrder(id: "1") { id } }').catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      message: expect.stringMatching(/^Subgraph orders is unavailable: /),
      extensions: { code: 'SERVICE_UNAVAILABLE', subgraph: 'orders' },
    });
    expect([dropping.hits(), live.hits()]).toEqual([1, 0]);
  });

  it('answers SERVICE_UNAVAILABLE at the deadline instead of waiting on a hung replica', async () => {
    const hung = await replica('hang');
    const replicas = new SubgraphReplicas('quality', hung.url, 300);
    const failure = await post(replicas, '{ characteristics { id } }').catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      message: 'Subgraph quality is unavailable: no answer within 300 ms',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it('spreads requests over the replicas round-robin', async () => {
    const first = await replica('answer');
    const second = await replica('answer');
    const replicas = new SubgraphReplicas('alarms', `${first.url}, ${second.url}`, 5_000);
    for (let request = 0; request < 4; request += 1) await post(replicas, '{ alarms { id } }');
    expect([first.hits(), second.hits()]).toEqual([2, 2]);
  });

  it('tells its observer how each request ended, retries over replicas included', async () => {
    const live = await replica('answer');
    const seen: [string, string][] = [];
    const observe = (subgraph: string, outcome: string, seconds: number) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push([subgraph, outcome]);
    };
    const retried = new SubgraphReplicas(
      'assets',
      `${await refusedUrl()},${live.url}`,
      5_000,
      observe,
    );
    await post(retried, '{ assets { id } }');
    const down = new SubgraphReplicas('orders', await refusedUrl(), 5_000, observe);
    await expect(post(down, '{ orders { id } }')).rejects.toThrow(/unavailable/);
    expect(seen).toEqual([
      ['assets', 'ok'],
      ['orders', 'unavailable'],
    ]);
  });
});

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PlantgraphClientError } from './client-error.ts';
import { frame, frameRows, pages } from './paging.ts';
import { createPlantgraphClient, type PlantgraphClient } from './plantgraph-client.ts';
import { startTestGraph, TAGS, type TestGraph } from './test-graph.ts';

/** Documents typed by hand, as GraphQL Code Generator's `graphql()` would type them. */
const TagName = parse(`query TagName($id: ID!) { tag(id: $id) { id name } }`) as TypedDocumentNode<
  { tag: { id: string; name: string } | null },
  { id: string }
>;
const TwoTags = parse(
  `query TwoTags($first: ID!, $second: ID!) { one: tag(id: $first) { name } two: tag(id: $second) { name } }`,
) as TypedDocumentNode<
  { one: { name: string } | null; two: { name: string } | null },
  { first: string; second: string }
>;
const Tags = parse(
  `query Tags($first: Int!, $after: String) {
    tags(first: $first, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } }
  }`,
) as TypedDocumentNode<
  {
    tags: {
      edges: { node: { id: string; name: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  },
  { first: number; after?: string | null }
>;
const Readings = parse(
  `query Readings($first: Int!, $after: String) {
    readings(first: $first, after: $after) {
      timestamps columns { name values } pageInfo { hasNextPage endCursor }
    }
  }`,
) as TypedDocumentNode<
  {
    readings: {
      timestamps: string[];
      columns: { name: string; values: (number | null)[] }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  },
  { first: number; after?: string | null }
>;
const Ticks = parse(`subscription Ticks { ticks }`) as TypedDocumentNode<
  { ticks: number },
  Record<string, never>
>;

let graph: TestGraph;
const revoked = new Set<string>();
const clients: PlantgraphClient[] = [];

function client(credentials: string | (() => string), attempts = 3): PlantgraphClient {
  const created = createPlantgraphClient({
    url: graph.url,
    credentials,
    webSocketImpl: WebSocket,
    retry: { attempts, initialDelayMs: 10, maxDelayMs: 50 },
  });
  clients.push(created);
  return created;
}

/** Reads the next event of `subscription`, failing when it ended instead. */
async function nextTick(subscription: AsyncIterator<{ data: { ticks: number } }>) {
  const { value, done } = await subscription.next();
  expect(done).toBe(false);
  return value.data.ticks;
}

beforeAll(async () => {
  graph = await startTestGraph(
    (authorization) =>
      !!authorization?.startsWith('Bearer key') && !revoked.has(authorization.slice(7)),
  );
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.close()));
});
afterAll(() => graph?.close());

describe('request', () => {
  it('resolves with the typed data of a query, presenting the credentials', async () => {
    const data = await client('key-1').request(TagName, { id: '2' });
    expect(data.tag).toEqual({ id: '2', name: 'Pressure' });
  });

  it('rejects GraphQL errors with their code and path, keeping the partial data', async () => {
    const failed = await client('key-1')
      .request(TwoTags, { first: '1', second: '99' })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(PlantgraphClientError);
    const error = failed as PlantgraphClientError;
    expect(error.code).toBe('NOT_FOUND');
    expect(error.status).toBe(200);
    expect(error.message).toBe('No tag 99');
    expect(error.errors[0]?.path).toEqual(['two']);
    expect(error.data).toEqual({ one: { name: 'Flow' }, two: null });
  });

  it('rejects refused credentials with the HTTP status 401 and UNAUTHENTICATED', async () => {
    const error = await client('wrong')
      .request(TagName, { id: '1' })
      .catch((failed: unknown) => failed as PlantgraphClientError);
    expect(error).toBeInstanceOf(PlantgraphClientError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', data: undefined });
  });

  it('asks a credentials function at every request', async () => {
    let calls = 0;
    const refreshing = client(() => `key-${++calls}`);
    await refreshing.request(TagName, { id: '1' });
    await refreshing.request(TagName, { id: '1' });
    expect(calls).toBe(2);
  });

  it('stops a request whose signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      client('key-1').request(TagName, { id: '1' }, { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('paging', () => {
  it('follows the cursor across three pages, each asked after the last one', async () => {
    graph.afters.length = 0;
    const names: string[][] = [];
    for await (const page of pages(client('key-1'), Tags, { first: 2 }, (data) => data.tags)) {
      names.push(page.edges.map((edge) => edge.node.name));
    }
    expect(names).toEqual([['Flow', 'Pressure'], ['Speed', 'Temperature'], ['Torque']]);
    expect(graph.afters).toEqual([null, '1', '3']);
    expect(names.flat()).toEqual(TAGS.map((tag) => tag.name));
  });

  it('concatenates the pages of a frame column by column, and turns it into rows', async () => {
    const whole = await frame(client('key-1'), Readings, { first: 2 }, (data) => data.readings);
    expect(whole).toEqual({
      timestamps: [0, 1, 2, 3, 4].map((second) => new Date(second * 1000).toISOString()),
      columns: [
        { name: 'flow', values: [0, 10, 20, 30, 40] },
        { name: 'speed', values: [0, 1, null, 3, 4] },
      ],
    });
    expect(frameRows(whole!)[2]).toEqual({
      timestamp: new Date(2000).toISOString(),
      values: [20, null],
    });
  });
});

describe('subscribe', () => {
  it('delivers events in order and unsubscribes when the loop ends', async () => {
    const received: number[] = [];
    for await (const event of client('key-1').subscribe(Ticks)) {
      received.push(event.data.ticks);
      if (received.length === 3) break;
    }
    expect(received).toEqual([1, 2, 3]);
  });

  it('reconnects a dropped socket with fresh credentials and resumes the subscription', async () => {
    let refreshed = 0;
    const before = graph.connections.length;
    const ticks = client(() => `key-refresh-${++refreshed}`).subscribe(Ticks);
    expect(await nextTick(ticks)).toBe(1);
    for (const socket of graph.sockets()) socket.terminate();
    // Ticks the old socket had delivered before the drop may still come first, in order; then
    // the resubscription starts over at 1 on the new socket. Nothing else may arrive.
    const stale: number[] = [];
    for (let tick = await nextTick(ticks); tick !== 1; tick = await nextTick(ticks)) {
      stale.push(tick);
      expect(stale.length).toBeLessThan(20);
    }
    expect(stale).toEqual(stale.map((_, index) => index + 2));
    expect(graph.connections.slice(before)).toEqual([
      'Bearer key-refresh-1',
      'Bearer key-refresh-2',
    ]);
    await ticks.return();
  });

  it('does not reconnect after the server refused the credentials (4403)', async () => {
    const before = graph.connections.length;
    const refused = client('revoked-1').subscribe(Ticks);
    const error = await refused.next().catch((failed: unknown) => failed);
    expect(error).toBeInstanceOf(PlantgraphClientError);
    expect((error as PlantgraphClientError).closeCode).toBe(4403);
    expect(graph.connections.slice(before)).toEqual(['Bearer revoked-1']);
  });

  it('ends with 4403 and does not reconnect when the credentials are revoked mid-stream', async () => {
    const before = graph.connections.length;
    const ticks = client('key-revoked-later').subscribe(Ticks);
    expect(await nextTick(ticks)).toBe(1);
    revoked.add('key-revoked-later');
    for (const socket of graph.sockets()) socket.close(4403, 'Forbidden');
    let error: unknown;
    try {
      for (;;) await nextTick(ticks);
    } catch (failed) {
      error = failed;
    }
    expect(error).toBeInstanceOf(PlantgraphClientError);
    expect((error as PlantgraphClientError).closeCode).toBe(4403);
    expect(graph.connections.slice(before)).toEqual(['Bearer key-revoked-later']);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountLocalExplorer } from './explorer.ts';

let server: Server;
let origin: string;

beforeAll(async () => {
  const app = express();
  mountLocalExplorer(app);
  // What the gateway mounts after the explorer: requests the explorer leaves alone end here.
  app.use('/graphql', (_request, response) => {
    response.status(418).end();
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const openPage = () => fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });

/** The URLs of the page's scripts and stylesheets. */
const referenced = (html: string) =>
  [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);

describe('mountLocalExplorer', () => {
  it('serves a page that loads nothing but its own files, under a nonce of its own', async () => {
    const first = await openPage();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/html/);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const policy = first.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    expect(policy).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self' 'nonce-/);
    expect(policy).toMatch(/connect-src 'self'/);
    const html = await first.text();
    expect(html).toContain(`data-style-nonce="${nonce}"`);
    expect(referenced(html)).toHaveLength(7);
    for (const url of referenced(html)) expect(url).toMatch(/^\/explorer\/[0-9a-f]{16}\//);

    const second = await openPage();
    expect(second.headers.get('content-security-policy')).not.toContain(nonce);
  });

  it('serves every file the page names, for good, and nothing else', async () => {
    const html = await (await openPage()).text();
    for (const url of referenced(html)) {
      const response = await fetch(`${origin}${url}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(
        url.endsWith('.css') ? /^text\/css/ : /^(application|text)\/javascript/,
      );
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect((await fetch(`${origin}/explorer/0000000000000000/graphiql.js`)).status).toBe(404);
    expect((await fetch(`${origin}/explorer/..%2Fpackage.json`)).status).toBe(404);
  });

  it('leaves requests that are not a browser asking for the page to the GraphQL endpoint', async () => {
    expect((await fetch(`${origin}/graphql`)).status).toBe(418);
    const json = await fetch(`${origin}/graphql?query={__typename}`, {
      headers: { accept: 'application/json, text/html;q=0.9' },
    });
    expect(json.status).toBe(418);
  });
});

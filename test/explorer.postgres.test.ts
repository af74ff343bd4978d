import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { testBroker, type TestBroker } from '@plantgraph/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * The gateway's own explorer (PLANTGRAPH_EXPLORER=local) in a real headless Chromium: the page and
 * every file it loads come from the gateway, the credentials typed into its Headers tab reach the
 * gateway over HTTP and over graphql-ws, and what comes back shows on the page.
 *
 * Needs Debian's chromium (.ci/chromium.sh installs it). Without it the file is skipped on a
 * developer's machine and fails in CI (CI or PLANTGRAPH_REQUIRE_CHROMIUM set), where a missing
 * browser would otherwise pass unnoticed.
 * PLANTGRAPH_EXPLORER_SCREENSHOT=<png> keeps a picture of the answered query (docs/images).
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const chromiumRequired = Boolean(process.env.CI || process.env.PLANTGRAPH_REQUIRE_CHROMIUM);
const screenshot = process.env.PLANTGRAPH_EXPLORER_SCREENSHOT;

/** Chromium as a kiosk that calls nobody: no updates, sync, QUIC or background requests. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ORDER_CHANGES = `subscription OrderChanges {
  orderStatusChanged {
    to
    order {
      number
    }
  }
}
`;

const ASSETS = '{ assets(first: 5) { totalCount edges { node { name } } } }';

let broker: TestBroker;
let plant: TestPlant;
let profile: string;
let context: BrowserContext;
let page: Page;
/** Every URL the browser asked for, and what its console reported as errors. */
const requested: string[] = [];
const consoleErrors: string[] = [];

describe.skipIf(!haveChromium && !chromiumRequired)('the local explorer in Chromium', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`no Chromium at ${CHROMIUM}: run .ci/chromium.sh`);
    broker = await testBroker('embedded');
    plant = await startTestPlant(new Date(), { busUrl: broker.url, explorer: 'local' });
    profile = mkdtempSync(join(tmpdir(), 'plantgraph-explorer-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
    });
    context.on('request', (request) => requested.push(request.url()));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('websocket', (socket) => requested.push(socket.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await plant?.close();
    await broker?.close();
  });

  /** The result pane's text once it contains `text`. */
  async function resultShowing(text: string): Promise<string> {
    const result = page.locator('.graphiql-response .result-window');
    await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain(text);
    return result.innerText();
  }

  /** Replaces the operation in the query editor, as typing it would. */
  async function enterOperation(name: string, text: string): Promise<void> {
    await page.locator('.graphiql-query-editor .CodeMirror').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // insertText, not type: the editor's bracket closing and indenting would rewrite keystrokes.
    await page.keyboard.insertText(text);
    // GraphiQL reads the operation from the editor a moment later; its tab then bears the name.
    await page.locator('.graphiql-tab', { hasText: name }).waitFor();
  }

  const run = () => page.locator('.graphiql-execute-button').click();

  it('serves the page from the gateway alone, under a policy of its own origin', async () => {
    const response = await page.goto(plant.plant.url);
    expect(response?.status()).toBe(200);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'(;|$)/);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();

    const origin = new URL(plant.plant.url).origin;
    expect(requested.length).toBeGreaterThan(5);
    expect(
      requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:')),
    ).toEqual([]);
  });

  it('runs a query with the API key typed into the Headers tab', async () => {
    const before = await resultShowing('Bearer <key or token>');
    expect(before).toMatch(/Put an API key or token in Headers/);

    // The Headers tab opens with {"Authorization": "Bearer "}: the key goes after "Bearer ".
    await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.insertText(plant.apiKey);
    await page.keyboard.press('Home');

    // The schema, refused without credentials on load, comes with them.
    await page.getByRole('button', { name: 'Re-fetch GraphQL schema' }).click();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).waitFor();

    const expected = (await (
      await fetch(plant.plant.url, {
        method: 'POST',
        headers: plant.headers,
        body: JSON.stringify({ query: ASSETS }),
      })
    ).json()) as { data: { assets: { totalCount: number; edges: { node: { name: string } }[] } } };
    await run();
    const shown = await resultShowing('"totalCount"');
    expect(shown).toContain(`"totalCount": ${expected.data.assets.totalCount}`);
    expect(shown).toContain(`"name": "${expected.data.assets.edges[0]!.node.name}"`);
    expect(shown).not.toMatch(/"errors"/);
    if (screenshot) {
      const path = resolve(import.meta.dirname, '..', screenshot);
      mkdirSync(dirname(path), { recursive: true });
      await page.screenshot({ path });
    }
  });

  it('follows a subscription over graphql-ws and shows its events', async () => {
    await enterOperation('OrderChanges', ORDER_CHANGES);
    await run();
    // The gateway acknowledges once the subscription is live: an order created after it shows.
    await resultShowing('"subscribed": true');

    const { data: assets } = (await (
      await fetch(plant.plant.url, {
        method: 'POST',
        headers: plant.headers,
        body: JSON.stringify({
          query: '{ assets(kind: EQUIPMENT, first: 1) { edges { node { id } } } }',
        }),
      })
    ).json()) as { data: { assets: { edges: { node: { id: string } }[] } } };
    const created = await fetch(plant.plant.url, {
      method: 'POST',
      headers: plant.headers,
      body: JSON.stringify({
        query: `mutation ($input: CreateProductionOrderInput!) {
          createProductionOrder(input: $input) { number }
        }`,
        variables: {
          input: {
            number: 'PO-EXPLORER-1',
            material: 'BRKT-1 Bracket',
            quantity: 5,
            assetId: assets.assets.edges[0]!.node.id,
          },
        },
      }),
    });
    expect(await created.json()).toEqual({
      data: { createProductionOrder: { number: 'PO-EXPLORER-1' } },
    });

    const shown = await resultShowing('PO-EXPLORER-1');
    expect(shown).toContain('"to": "CREATED"');
    expect(requested).toContain(plant.plant.url.replace(/^http/, 'ws'));
    expect(await page.locator('.graphiql-execute-button').getAttribute('aria-label')).toMatch(
      /stop/i,
    );
  });

  it('opens a dialog whose inserted styles the nonce admits', async () => {
    await page.getByRole('button', { name: 'Open settings dialog' }).click();
    await page.getByRole('dialog').waitFor();
    // The dialog's scroll lock inserts a style element carrying the page's nonce.
    expect(await page.locator('style[nonce]').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('broke no rule of the page policy and reached nothing beyond the gateway', () => {
    expect(
      consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text)),
    ).toEqual([]);
    const origin = new URL(plant.plant.url);
    const socketOrigin = `ws://${origin.host}/`;
    expect(
      requested.filter(
        (url) =>
          !url.startsWith(`${origin.origin}/`) &&
          !url.startsWith(socketOrigin) &&
          !url.startsWith('data:'),
      ),
    ).toEqual([]);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runtimeFile } from '@plantgraph/config';
import type { Express, Request, Response } from 'express';
import { asksForLandingPage } from '../limits/caller-admission.ts';
import { VENDOR_DIRECTORY, VENDOR_FILES } from './vendor-files.ts';

/**
 * What GET /graphql shows a browser: Apollo Sandbox (a page from Apollo's CDN), the gateway's own
 * GraphiQL, every file of which it serves itself, or no explorer at all.
 */
export const EXPLORERS = ['sandbox', 'local', 'off'] as const;
export type Explorer = (typeof EXPLORERS)[number];

/** Where the explorer's files are served; absolute, so the page works from /graphql and /graphql/. */
const ASSET_PATH = '/explorer';

interface AssetSource {
  name: string;
  type: string;
  /** A file of ours or a vendor copy (`runtimeFile`), else a file of an npm package. */
  file: { package: string; path: string } | string;
}

/** A vendor file: the build's copy beside the bundle, else the package's own in node_modules. */
function vendorSource(file: (typeof VENDOR_FILES)[number]): AssetSource {
  const copy = runtimeFile(import.meta.url, 3, `${VENDOR_DIRECTORY}/${file.name}`);
  return { name: file.name, type: file.type, file: existsSync(copy) ? copy : file };
}

const SOURCES: AssetSource[] = [
  ...VENDOR_FILES.map(vendorSource),
  {
    name: 'explorer.css',
    type: 'css',
    file: runtimeFile(import.meta.url, 3, 'gateway/src/explorer/static/explorer.css'),
  },
  {
    name: 'explorer.js',
    type: 'js',
    file: runtimeFile(import.meta.url, 3, 'gateway/src/explorer/static/explorer.js'),
  },
];

interface Asset {
  type: string;
  body: Buffer;
  /** Its URL, named by its content: a browser may keep it for good. */
  url: string;
}

const require = createRequire(import.meta.url);

function sourcePath(file: AssetSource['file']): string {
  if (typeof file === 'string') return file;
  // Resolved by package.json, which each exports: none exports its browser bundle.
  return join(dirname(require.resolve(`${file.package}/package.json`)), file.path);
}

/** Every file, read once: a few megabytes, and a missing package fails the start, not a page. */
function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const source of SOURCES) {
    const body = readFileSync(sourcePath(source.file));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
    assets.set(source.name, {
      type: source.type,
      body,
      url: `${ASSET_PATH}/${hash}/${source.name}`,
    });
  }
  return assets;
}

/**
 * The page's policy: scripts and styles from the gateway's own origin only; the fonts and icons
 * GraphiQL's stylesheet inlines as data: URLs; requests (HTTP and WebSocket) to this origin. The
 * nonce admits the style elements GraphiQL's dialogs insert at run time.
 */
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const escapeAttribute = (text: string) => text.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

function page(assets: Map<string, Asset>, nonce: string): string {
  const url = (name: string) => escapeAttribute(assets.get(name)?.url ?? '');
  const scripts = ['react.js', 'react-dom.js', 'graphiql.js', 'graphql-ws.js']
    .map((name) => `<script src="${url(name)}"></script>`)
    .join('\n    ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Plantgraph explorer</title>
    <link rel="stylesheet" href="${url('graphiql.css')}" />
    <link rel="stylesheet" href="${url('explorer.css')}" />
  </head>
  <body>
    <div id="explorer">Loading the explorer…</div>
    ${scripts}
    <script src="${url('explorer.js')}" data-style-nonce="${escapeAttribute(nonce)}"></script>
  </body>
</html>
`;
}

/**
 * Serves GraphiQL on GET /graphql to browsers (what Apollo would answer with its landing page)
 * and its files under /explorer. Nothing is fetched from elsewhere: the page works on a plant
 * network without internet. Mount before the /graphql handlers; the page needs no credentials,
 * the operations it sends do (the header editor holds them).
 */
export function mountLocalExplorer(app: Express): void {
  const assets = loadAssets();
  const byUrl = new Map([...assets.values()].map((asset) => [asset.url, asset]));
  app.get(`${ASSET_PATH}/:hash/:name`, (request: Request, response: Response) => {
    const asset = byUrl.get(request.path);
    if (!asset) {
      response.status(404).type('text').send('Not found');
      return;
    }
    response
      .set({
        'Cache-Control': 'public, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
      })
      .type(asset.type)
      .send(asset.body);
  });
  app.get('/graphql', (request: Request, response: Response, next) => {
    if (!asksForLandingPage(request)) {
      next();
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    response
      .set({
        'Content-Security-Policy': contentSecurityPolicy(nonce),
        // A nonce is good for one response only.
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      })
      .type('html')
      .send(page(assets, nonce));
  });
}

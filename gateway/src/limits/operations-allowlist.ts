import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { print, type DocumentNode } from 'graphql';
import { z } from 'zod';
import { errorBody, LimitError } from '@plantgraph/errors';

/** The hash Apollo's persisted queries use: sha256 of the query text, hex. */
export const operationHash = (query: string): string =>
  createHash('sha256').update(query).digest('hex');

/**
 * The allow-list file's content for `documents`, each by the text a client sends for it:
 * graphql's `print` of the document, as the typed-document clients of this repository do.
 */
export function allowListOf(documents: readonly DocumentNode[]): Record<string, string> {
  const entries = documents.map((document) => {
    const query = print(document);
    return [operationHash(query), query] as const;
  });
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** Raised at start when the allow-list file cannot be used; the message says why. */
export class AllowListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllowListError';
  }
}

/** What a request names as its operation: its text, the hash of a persisted query, or both. */
export interface OperationReference {
  query?: unknown;
  extensions?: unknown;
}

const fileSchema = z.record(
  z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex hash'),
  z.string().min(1),
);

/**
 * The operations a production graph runs, by the sha256 of their text (a JSON file
 * `{ "<sha256>": "<query>" }`, as `npm run operations:allowlist` or the codegen client preset's
 * `persisted-documents.json` with `hashAlgorithm: 'sha256'` write it). A client sends the text or
 * only the hash, as an Apollo persisted query.
 */
export class OperationsAllowList {
  readonly #operations: ReadonlyMap<string, string>;

  constructor(operations: Readonly<Record<string, string>>) {
    for (const [hash, query] of Object.entries(operations)) {
      if (operationHash(query) !== hash) {
        throw new AllowListError(`Allow-list entry ${hash} is not the sha256 of its query text`);
      }
    }
    this.#operations = new Map(Object.entries(operations));
  }

  static load(path: string): OperationsAllowList {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new AllowListError(`Cannot read the operations allow-list ${path}: ${String(error)}`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      throw new AllowListError(
        `The operations allow-list ${path} is not { "<sha256>": "<query>" }: ${parsed.error.message}`,
      );
    }
    return new OperationsAllowList(parsed.data);
  }

  get size(): number {
    return this.#operations.size;
  }

  /**
   * The text to run for a request: its own text when listed, the listed text for a listed hash
   * sent alone; PERSISTED_QUERY_NOT_ALLOWED otherwise. Undefined for a request naming no
   * operation, which the GraphQL server refuses by itself.
   */
  admit(reference: OperationReference): string | LimitError | undefined {
    const { query } = reference;
    const hash =
      typeof query === 'string' && query !== '' ? operationHash(query) : hashOf(reference);
    if (hash === undefined) return undefined;
    const listed = this.#operations.get(hash);
    if (listed !== undefined) return listed;
    return new LimitError(
      'PERSISTED_QUERY_NOT_ALLOWED',
      'This graph runs only allow-listed operations, and this one is not listed',
      { sha256Hash: hash },
    );
  }
}

/** `extensions.persistedQuery.sha256Hash` of a request, if it has one. */
function hashOf({ extensions }: OperationReference): string | undefined {
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)
    ?.persistedQuery;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}

/**
 * Express middleware (after the JSON body parser) letting only allow-listed operations through:
 * others get HTTP 400 with PERSISTED_QUERY_NOT_ALLOWED before they are parsed; a listed hash sent
 * alone gets its text filled in, so it runs even when this gateway has not seen it before.
 */
export function allowListedOperations(allowList: OperationsAllowList): RequestHandler {
  return (request, response, next) => {
    const refuse = (error: LimitError) => response.status(error.httpStatus).json(errorBody(error));
    if (request.method === 'GET') {
      const url = new URL(request.url, 'http://gateway');
      const params = url.searchParams;
      const admitted = allowList.admit({
        query: params.get('query') ?? undefined,
        extensions: parseJson(params.get('extensions')),
      });
      if (admitted instanceof LimitError) return refuse(admitted);
      if (admitted !== undefined) {
        params.set('query', admitted);
        request.url = `${url.pathname}${url.search}`;
      }
      return next();
    }
    // An array is a batch; each operation in it must be listed.
    const operations: unknown[] = Array.isArray(request.body) ? request.body : [request.body];
    for (const operation of operations) {
      if (typeof operation !== 'object' || operation === null) continue;
      const admitted = allowList.admit(operation);
      if (admitted instanceof LimitError) return refuse(admitted);
      if (admitted !== undefined) (operation as { query: string }).query = admitted;
    }
    next();
  };
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

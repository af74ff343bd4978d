import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { PlantgraphClientError } from './client-error.ts';
import { subscription, type Subscription } from './subscription.ts';

/** An API key or JWT, or a function returning the current one (a refreshed JWT). */
export type Credentials = string | (() => string | Promise<string>);

/** Reconnecting a subscription socket that dropped: exponential backoff with jitter. */
export interface RetryOptions {
  /** Reconnect attempts in a row before subscriptions fail; 0 never reconnects. Default 5. */
  attempts?: number;
  /** The first wait; each further attempt waits twice as long. Default 500 ms. */
  initialDelayMs?: number;
  /** The longest wait. Default 30 s. */
  maxDelayMs?: number;
}

export interface PlantgraphClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql; ws(s):// is derived. */
  url: string;
  /** Presented as `Authorization: Bearer …`; asked again for every request and (re)connect. */
  credentials?: Credentials;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** A WebSocket constructor (e.g. the `ws` package's); default: the global WebSocket. */
  webSocketImpl?: unknown;
  retry?: RetryOptions;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface SubscribeOptions {
  /** Ask the gateway to acknowledge once it listens; see {@link Subscription.subscribed}. */
  acknowledge?: boolean;
}

/** Variables may be left out when the operation takes none or only optional ones. */
export type VariablesAnd<TVariables, TOptions> =
  Record<string, never> extends TVariables
    ? [variables?: TVariables, options?: TOptions]
    : [variables: TVariables, options?: TOptions];

export interface PlantgraphClient {
  /**
   * Runs a query or mutation over HTTP POST and resolves with its data. Rejects with a
   * {@link PlantgraphClientError} when the answer carries errors (their codes and paths, the HTTP
   * status and any partial `data`) or no data.
   */
  request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...args: VariablesAnd<TVariables, RequestOptions>
  ): Promise<TData>;
  /**
   * Starts a subscription over graphql-ws. All subscriptions of a client share one socket, opened
   * on the first and closed after the last; a dropped socket is reconnected with fresh credentials
   * and the subscriptions resumed, unless the gateway refused the credentials (4401, 4403).
   */
  subscribe<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...args: VariablesAnd<TVariables, SubscribeOptions>
  ): Subscription<TData>;
  /** Closes the subscription socket, ending every subscription. */
  close(): Promise<void>;
}

/**
 * Close codes after which reconnecting cannot help: graphql-ws's Unauthorized, and Forbidden, with
 * which the gateway refuses credentials and closes sockets whose key was revoked or token expired.
 */
const FINAL_CLOSE_CODES = new Set([4401, 4403]);

interface GraphResponse {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
}

const printed = new WeakMap<DocumentNode, string>();
function source(document: DocumentNode): string {
  let query = printed.get(document);
  if (query === undefined) {
    query = print(document);
    printed.set(document, query);
  }
  return query;
}

function isCloseEvent(value: unknown): value is { code: number } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}

/** The delay before reconnect attempt `retries` (0-based): doubling, capped, with ±25 % jitter. */
export function backoffDelay(retries: number, retry: RetryOptions = {}): number {
  const base = Math.min((retry.initialDelayMs ?? 500) * 2 ** retries, retry.maxDelayMs ?? 30_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

async function readAnswer(response: Response, url: string): Promise<GraphResponse> {
  const text = await response.text();
  try {
    return JSON.parse(text) as GraphResponse;
  } catch {
    throw new PlantgraphClientError(`${url} answered ${response.status} without a GraphQL body`, {
      status: response.status,
    });
  }
}

/**
 * A typed client of the Plantgraph gateway: queries and mutations over HTTP, subscriptions over
 * graphql-ws on the same URL, both presenting `credentials`. Documents come from GraphQL Code
 * Generator's `graphql()` function, so results and variables are typed.
 */
export function createPlantgraphClient(options: PlantgraphClientOptions): PlantgraphClient {
  const { url, credentials, retry = {} } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = async (): Promise<Record<string, string>> => {
    if (credentials === undefined) return {};
    const token = typeof credentials === 'string' ? credentials : await credentials();
    return { authorization: `Bearer ${token}` };
  };
  let socket: Client | undefined;
  const ws = () =>
    (socket ??= createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: options.webSocketImpl,
      lazy: true,
      // Asked at every (re)connect, so a refreshed token replaces one that expired.
      connectionParams: authorization,
      retryAttempts: retry.attempts ?? 5,
      retryWait: (retries) =>
        new Promise((resolve) => setTimeout(resolve, backoffDelay(retries, retry))),
      shouldRetry: (event) => isCloseEvent(event) && !FINAL_CLOSE_CODES.has(event.code),
    }));

  return {
    async request<TData, TVariables>(
      document: TypedDocumentNode<TData, TVariables>,
      ...[variables, requestOptions]: VariablesAnd<TVariables, RequestOptions>
    ): Promise<TData> {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(await authorization()),
        },
        body: JSON.stringify({ query: source(document), variables: variables ?? {} }),
        signal: requestOptions?.signal ?? null,
      });
      const { data, errors } = await readAnswer(response, url);
      if (errors?.length) {
        throw PlantgraphClientError.fromErrors(errors, { status: response.status, data });
      }
      if (!response.ok || data === undefined || data === null) {
        throw new PlantgraphClientError(`${url} answered ${response.status} without data`, {
          status: response.status,
        });
      }
      return data as TData;
    },

    subscribe<TData, TVariables>(
      document: TypedDocumentNode<TData, TVariables>,
      ...[variables, subscribeOptions]: VariablesAnd<TVariables, SubscribeOptions>
    ): Subscription<TData> {
      const acknowledge = subscribeOptions?.acknowledge ?? false;
      return subscription<TData>(
        (sink) =>
          ws().subscribe(
            {
              query: source(document),
              variables: (variables ?? {}) as Record<string, unknown>,
              ...(acknowledge ? { extensions: { acknowledge: true } } : {}),
            },
            sink,
          ),
        acknowledge,
      );
    },

    async close() {
      await socket?.dispose();
      socket = undefined;
    },
  };
}

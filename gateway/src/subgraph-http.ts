import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'undici';

/**
 * The gateway's HTTP client for subgraph requests: undici's `request` on keep-alive connections
 * instead of Node's fetch. Every federated query sends one request per subgraph in its plan, and
 * fetch's WHATWG streams and Request/Response objects cost about three times the CPU of a plain
 * request for these small JSON bodies (docs/benchmarks.md#graph-npm-run-benchgraph). undici keeps a
 * connection no longer than the subgraph's `Keep-Alive: timeout` allows, so the gateway never
 * sends on one the subgraph is closing.
 */
const dispatcher = new Agent({ keepAliveTimeout: 4_000 });

/** What @apollo/gateway's data source sends: a POST with headers and a JSON body. */
export interface SubgraphRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The part of a fetch Response that @apollo/gateway's RemoteGraphQLDataSource reads. */
export class SubgraphResponse {
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly #body: string;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders,
    body: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = {
      get: (name) => {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    };
    this.#body = body;
  }

  json(): Promise<unknown> {
    try {
      return Promise.resolve(JSON.parse(this.#body) as unknown);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  text(): Promise<string> {
    return Promise.resolve(this.#body);
  }
}

/**
 * Sends one request to `url` and reads the whole answer. Connection failures reject with the
 * system error (its `code`, e.g. ECONNREFUSED); no answer within `timeoutMs` rejects with a
 * DOMException named TimeoutError, as fetch with `AbortSignal.timeout` does.
 */
export async function sendToSubgraph(
  url: string,
  init: SubgraphRequestInit,
  timeoutMs: number,
): Promise<SubgraphResponse> {
  const response = await request(url, {
    method: (init.method ?? 'POST') as 'POST',
    headers: init.headers,
    body: typeof init.body === 'string' ? init.body : '',
    dispatcher,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await response.body.text();
  const { statusCode, headers } = response;
  return new SubgraphResponse(url, statusCode, STATUS_CODES[statusCode] ?? '', headers, body);
}

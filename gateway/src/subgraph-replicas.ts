import { PlantgraphError } from '@plantgraph/errors';
import {
  sendToSubgraph,
  type SubgraphRequestInit,
  type SubgraphResponse,
} from './subgraph-http.ts';

/** The fetch that @apollo/gateway's data sources accept as their fetcher, as far as they use it. */
type FetchFunction = (input: unknown, init?: SubgraphRequestInit) => Promise<SubgraphResponse>;

/**
 * Failures where the subgraph cannot have seen the request: another replica may take it, even a
 * mutation. (undici reports the system error itself; fetch, as the `cause` of a TypeError.)
 */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const MUTATION = /^(?:\\[nrt]|\s)*mutation\b/;
const QUERY_FIRST = '{"query":"';

/**
 * How a subgraph request ended: answered with a 2xx status, answered with another status, or no
 * replica answered (refused, dropped, timed out).
 */
export type SubgraphFetchOutcome = 'ok' | 'http_error' | 'unavailable';

/** Told of every subgraph request once it ends, retries over replicas included (/metrics). */
export type SubgraphFetchObserver = (
  subgraph: string,
  outcome: SubgraphFetchOutcome,
  seconds: number,
) => void;

/** How long one subgraph request may take before the gateway answers SERVICE_UNAVAILABLE. */
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 30_000;

/**
 * The replicas of one subgraph, from a comma-separated URL list (`ASSETS_URL=http://a:4001/graphql,
 * http://b:4001/graphql`). Requests go round-robin; a replica that refuses the connection, or
 * drops a query, hands the request to the next one, so a replica killed with `kill -9` costs no
 * failed query. A mutation whose connection broke after it was sent is not repeated elsewhere
 * (the first replica may have committed it): it fails with SERVICE_UNAVAILABLE. Every attempt has
 * a deadline, so a hung replica answers with an error instead of holding the client forever.
 */
export class SubgraphReplicas {
  readonly urls: readonly string[];
  #next = 0;

  constructor(
    readonly name: string,
    urls: string,
    private readonly timeoutMs: number,
    private readonly onFetch?: SubgraphFetchObserver,
  ) {
    this.urls = urls
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url.length > 0);
    if (this.urls.length === 0) throw new Error(`subgraph ${name} has no URL`);
  }

  /** The next replica's URL, round-robin. */
  pick(): string {
    const url = this.urls[this.#next % this.urls.length] ?? '';
    this.#next += 1;
    return url;
  }

  /** A fetch that spreads requests over the replicas (the URL it is given is ignored). */
  readonly fetch: FetchFunction = async (_input, init) => {
    if (!this.onFetch) return this.#send(init);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const response = await this.#send(init);
      this.onFetch(this.name, response.ok ? 'ok' : 'http_error', seconds());
      return response;
    } catch (error) {
      this.onFetch(this.name, 'unavailable', seconds());
      throw error;
    }
  };

  async #send(init: SubgraphRequestInit | undefined): Promise<SubgraphResponse> {
    const mutation = isMutation(init?.body);
    let lastError: unknown;
    for (let attempt = 0; attempt < this.urls.length; attempt += 1) {
      const url = this.pick();
      try {
        return await sendToSubgraph(url, init ?? {}, this.timeoutMs);
      } catch (error) {
        lastError = error;
        if (!retryable(error, mutation)) break;
      }
    }
    throw new PlantgraphError(
      'SERVICE_UNAVAILABLE',
      `Subgraph ${this.name} is unavailable: ${describeFailure(lastError, this.timeoutMs)}`,
      { subgraph: this.name },
    );
  }

  /** Each replica's readiness URL (`/readyz` beside `/graphql`). */
  readinessUrls(): string[] {
    return this.urls.map((url) => new URL('/readyz', url).toString());
  }
}

/**
 * Whether a subgraph request is a mutation, read from the start of its body without parsing it
 * (this runs for every subgraph request): RemoteGraphQLDataSource serialises the query first.
 * Anything not shaped so counts as a mutation, which is never repeated after it was sent.
 */
function isMutation(body: unknown): boolean {
  if (typeof body !== 'string' || !body.startsWith(QUERY_FIRST)) return true;
  return MUTATION.test(body.slice(QUERY_FIRST.length, QUERY_FIRST.length + 64));
}

function systemCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code ?? (error as { code?: string } | undefined)?.code;
}

function retryable(error: unknown, mutation: boolean): boolean {
  if ((error as Error | undefined)?.name === 'TimeoutError') return false;
  const code = systemCode(error);
  if (code && NOT_SENT.has(code)) return true;
  return !mutation;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if ((error as Error | undefined)?.name === 'TimeoutError')
    return `no answer within ${timeoutMs} ms`;
  return systemCode(error) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * The replicas of every subgraph in the supergraph: `urls` by subgraph name (comma-separated
 * lists) where given, else the URL the supergraph records.
 */
export function subgraphReplicas(
  subgraphs: Iterable<{ name: string; url: string }>,
  urls: Record<string, string | undefined> = {},
  timeoutMs = DEFAULT_SUBGRAPH_TIMEOUT_MS,
  onFetch?: SubgraphFetchObserver,
): Map<string, SubgraphReplicas> {
  return new Map(
    [...subgraphs].map(({ name, url }) => [
      name,
      new SubgraphReplicas(name, urls[name] ?? url, timeoutMs, onFetch),
    ]),
  );
}

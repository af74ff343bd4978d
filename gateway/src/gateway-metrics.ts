import type { ApolloServerPlugin, GraphQLRequestContextDidEncounterErrors } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { isErrorCode } from '@plantgraph/errors';
import { Histogram, Registry } from 'prom-client';
import type { SubgraphFetchObserver } from './subgraph-replicas.ts';

/** Distinct operation names a gateway labels its request histogram with; later ones are `other`. */
export const MAX_OPERATION_NAMES = 100;

/** The label of operations without a name, and of requests whose operation never resolved. */
export const ANONYMOUS_OPERATION = 'anonymous';
/** The label of named operations past the first {@link MAX_OPERATION_NAMES}. */
export const OTHER_OPERATION = 'other';

/** The outcome of an error whose code is none Plantgraph or Apollo Server raise. */
export const OTHER_ERROR = 'OTHER_ERROR';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Operation names as metric labels, bounded: a client chooses the names, and every distinct label
 * value is a time series Prometheus keeps. The first `max` distinct names are kept as they are,
 * later ones share `other`; an allow-listed graph runs fewer distinct operations than that.
 */
export class OperationNames {
  readonly #seen = new Set<string>();

  constructor(private readonly max = MAX_OPERATION_NAMES) {}

  label(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (this.#seen.has(name)) return name;
    if (this.#seen.size >= this.max) return OTHER_OPERATION;
    this.#seen.add(name);
    return name;
  }
}

const APOLLO_CODES: ReadonlySet<string> = new Set(Object.values(ApolloServerErrorCode));

/**
 * A request's outcome from its first error: its `extensions.code` when it is one Plantgraph or
 * Apollo Server raises (a bounded set), an error without a code as Apollo reports it
 * (INTERNAL_SERVER_ERROR), anything else as OTHER_ERROR.
 */
export function outcomeOf(errors: readonly { extensions?: Record<string, unknown> }[]): string {
  const [first] = errors;
  if (!first) return 'success';
  const code = first.extensions?.code;
  if (code === undefined) return ApolloServerErrorCode.INTERNAL_SERVER_ERROR;
  if (isErrorCode(code) || (typeof code === 'string' && APOLLO_CODES.has(code))) return code;
  return OTHER_ERROR;
}

/**
 * The gateway's own metrics: GraphQL requests by operation, type and outcome (an Apollo Server
 * plugin) and the subgraph requests they fan out into, by subgraph and outcome.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #names: OperationNames;
  readonly #operations = new Histogram({
    name: 'plantgraph_gateway_operation_seconds',
    help: 'GraphQL requests over HTTP from start to response, by operation name, type and outcome (success or the first error code).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly #subgraphFetches = new Histogram({
    name: 'plantgraph_gateway_subgraph_fetch_seconds',
    help: 'Requests to subgraphs, retries over replicas included, by subgraph and outcome (ok, http_error, unavailable).',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  constructor(maxOperationNames = MAX_OPERATION_NAMES) {
    this.#names = new OperationNames(maxOperationNames);
  }

  readonly observeSubgraphFetch: SubgraphFetchObserver = (subgraph, outcome, seconds) => {
    this.#subgraphFetches.observe({ subgraph, outcome }, seconds);
  };

  /** Times every request Apollo Server runs; requests the HTTP limits refuse never reach it. */
  plugin<Context extends object>(): ApolloServerPlugin<Context> {
    return {
      requestDidStart: () => {
        const started = performance.now();
        let outcome = 'success';
        return Promise.resolve({
          didEncounterErrors: (context: GraphQLRequestContextDidEncounterErrors<Context>) => {
            // The first error decides; later hooks (formatting, sending) may add their own.
            if (outcome === 'success') outcome = outcomeOf(context.errors);
            return Promise.resolve();
          },
          willSendResponse: (context) => {
            this.#operations.observe(
              {
                operation: context.operation
                  ? this.#names.label(context.operationName)
                  : ANONYMOUS_OPERATION,
                type: context.operation?.operation ?? 'unknown',
                outcome,
              },
              (performance.now() - started) / 1000,
            );
            return Promise.resolve();
          },
        });
      },
    };
  }
}
